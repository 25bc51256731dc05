import Foundation
import Testing

/// Two p2p-chat nodes in two network namespaces joined by a veth pair (one /24, multicast on): they
/// find each other by mDNS alone, chat, lose the link, and reconnect by themselves once it is back.
///
/// Needs root (`ip netns add`); skipped with the reason otherwise. Namespaces are deleted at the end.
@Suite("mDNS across network namespaces", .serialized,
       .enabled(if: NetworkNamespaces.available, NetworkNamespaces.skipReason))
struct MDNSNetnsTests {
    @Test("nodes in two namespaces discover each other, chat, and reconnect after the link is cut")
    func discoverChatAndHeal() throws {
        let net = try NetworkNamespaces()
        defer { net.remove() }
        let room = "netns-room"
        let a = try net.node(0, name: "netns-a", room: room)
        let b = try net.node(1, name: "netns-b", room: room)
        defer { a.process.terminate(); b.process.terminate() }

        try a.waitFor("connected", timeout: 30) { $0.string("peer") == b.peer }
        try b.waitFor("connected", timeout: 30) { $0.string("peer") == a.peer }
        try waitUntilInRoomTogether(a, b, room)
        try a.send("across namespaces")
        try b.waitForMessage(content: "across namespaces", from: a.peer)

        // Cut the link: yamux keep-alive (30 s + 10 s) notices the dead connection.
        try net.ip(["link", "set", net.veth[0], "down"], in: 0)
        try a.waitFor("disconnected", timeout: 90) { $0.string("peer") == b.peer }
        try net.ip(["link", "set", net.veth[0], "up"], in: 0)
        // Back: mDNS queries (every ≤ 15 s while alone) find the peer again and it is dialed.
        try a.waitFor("connected", timeout: 60) { $0.string("peer") == b.peer }
        try waitUntilInRoomTogether(a, b, room, timeout: 60)
        try b.send("after the link came back")
        try a.waitForMessage(content: "after the link came back", from: b.peer)
    }

    /// An IPv6-only link: the veth pair has no IPv4 address, so only ff02::fb can carry the queries (each
    /// namespace's 224.0.0.251 stays on its own loopback), and the peer is dialed on its ULA address.
    @Test("on an IPv6-only link, nodes listening on /ip6/:: discover each other over ff02::fb and chat",
          .enabled(if: NetworkNamespaces.ipv6Available, "IPv6 is disabled on this machine"))
    func discoverOverIPv6Alone() throws {
        let net = try NetworkNamespaces(family: .ipv6)
        defer { net.remove() }
        let room = "netns-ipv6-room"
        let a = try net.node(0, name: "netns6-a", room: room)
        let b = try net.node(1, name: "netns6-b", room: room)
        defer { a.process.terminate(); b.process.terminate() }

        let connected = try a.waitFor("connected", timeout: 30) { $0.string("peer") == b.peer }
        try b.waitFor("connected", timeout: 30) { $0.string("peer") == a.peer }
        let via = connected.string("addr") ?? ""
        #expect(via.hasPrefix("/ip6/fd77::"), "dialed or accepted over the IPv6 link: \(via)")
        try waitUntilInRoomTogether(a, b, room)
        try a.send("over IPv6 alone")
        try b.waitForMessage(content: "over IPv6 alone", from: a.peer)
    }
}

/// Two namespaces `p2pmdns-<pid>-0/1` with a veth pair 10.77.0.1/24 ⇄ 10.77.0.2/24, or, for `.ipv6`,
/// fd77::1/64 ⇄ fd77::2/64 and no IPv4 address on the link.
final class NetworkNamespaces {
    static let ipTool = "/usr/sbin/ip"

    /// Root, and `ip netns` works (probed once by creating and deleting a namespace).
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: ipTool) else { return false }
        let probe = "p2pmdns-probe-\(getpid())"
        guard (try? run([ipTool, "netns", "add", probe])) != nil else { return false }
        _ = try? run([ipTool, "netns", "del", probe])
        return true
    }()

    static let skipReason: Comment = "needs root and a working `ip netns` (network namespaces) to run"

    /// The kernel has IPv6 (namespaces inherit `disable_ipv6`).
    static let ipv6Available: Bool = {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv6/conf/all/disable_ipv6", encoding: .utf8) else {
            return false
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
    }()

    let names: [String]
    let veth: [String]
    let family: Family
    let addresses: [String]

    enum Family { case ipv4, ipv6 }

    init(family: Family = .ipv4) throws {
        self.family = family
        addresses = family == .ipv4 ? ["10.77.0.1", "10.77.0.2"] : ["fd77::1", "fd77::2"]
        let tag = "\(getpid() % 100_000)\(family == .ipv4 ? "" : "6")"
        names = ["p2pmdns-\(tag)-0", "p2pmdns-\(tag)-1"]
        veth = ["vm\(tag)a", "vm\(tag)b"]
        for name in names { try Self.run([Self.ipTool, "netns", "add", name]) }
        try Self.run([Self.ipTool, "link", "add", veth[0], "netns", names[0], "type", "veth", "peer", "name", veth[1],
                      "netns", names[1]])
        for index in 0..<2 {
            try ip(["link", "set", "lo", "up"], in: index)
            if family == .ipv4 {
                try ip(["addr", "add", "\(addresses[index])/24", "dev", veth[index]], in: index)
            } else {   // nodad: usable at once, not after duplicate address detection
                try ip(["-6", "addr", "add", "\(addresses[index])/64", "dev", veth[index], "nodad"], in: index)
            }
            try ip(["link", "set", veth[index], "multicast", "on", "up"], in: index)
        }
    }

    /// `ip …` inside namespace `index`.
    func ip(_ arguments: [String], in index: Int) throws {
        try Self.run([Self.ipTool, "netns", "exec", names[index], Self.ipTool] + arguments)
    }

    /// A headless p2p-chat in namespace `index`, listening on its veth address too (IPv4), or on every
    /// IPv6 address (`/ip6/::`), mDNS on.
    func node(_ index: Int, name: String, room: String) throws -> ChatNode {
        let listen = family == .ipv4 ? "/ip4/\(addresses[index])/tcp/0" : "/ip6/::/tcp/0"
        return try ChatNode(name: name, extraArguments: ["--listen", listen, "--room", room],
                     mdns: true, wrapper: [Self.ipTool, "netns", "exec", names[index]])
    }

    func remove() {
        for name in names { _ = try? Self.run([Self.ipTool, "netns", "del", name]) }
    }

    @discardableResult
    static func run(_ command: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LineProcess.Failure(description: "\(command.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return process.terminationStatus
    }
}
