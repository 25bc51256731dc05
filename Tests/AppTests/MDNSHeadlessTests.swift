import Foundation
import Testing

/// Zero-config discovery between p2p-chat processes on one host: no `--connect`, only mDNS.
///
/// Other tests run their nodes with `--no-mdns` (ChatNode's default), so only the nodes here answer;
/// assertions name the peers they expect and never count all connections.
@Suite("p2p-chat mDNS discovery", .serialized)
struct MDNSHeadlessTests {
    @Test("two nodes with no address given find each other by mDNS and chat")
    func twoNodesDiscoverEachOtherAndChat() throws {
        let room = "mdns-room-\(UInt32.random(in: 0...UInt32.max))"
        let a = try ChatNode(name: "mdns-a", extraArguments: ["--room", room], mdns: true)
        let b = try ChatNode(name: "mdns-b", extraArguments: ["--room", room], mdns: true)
        try a.waitFor("connected", timeout: 30) { $0.string("peer") == b.peer }
        try b.waitFor("connected", timeout: 30) { $0.string("peer") == a.peer }
        try waitUntilInRoomTogether(a, b, room)
        try a.send("hello over mDNS")
        try b.waitForMessage(content: "hello over mDNS", from: a.peer, room: room)
        try b.send("and back")
        try a.waitForMessage(content: "and back", from: b.peer, room: room)
        // `/peers` says what discovery is doing.
        try a.send("/peers")
        let discovery = try a.waitFor("peers").strings("discovery")
        #expect(discovery.first?.hasPrefix("mDNS: ") == true && discovery.first != "mDNS: 0 peers", "\(discovery)")
        #expect(discovery.contains { $0.hasPrefix("DHT") }, "\(discovery)")
    }

    @Test("a --no-mdns node neither answers nor asks: mDNS nodes connect to each other, never to it")
    func noMDNSNodeStaysAlone() throws {
        let quiet = try ChatNode(name: "no-mdns")
        let a = try ChatNode(name: "mdns-c", mdns: true)
        let b = try ChatNode(name: "mdns-d", mdns: true)
        // a and b finding each other proves queries and answers went round while `quiet` was up.
        try a.waitFor("connected", timeout: 30) { $0.string("peer") == b.peer }
        try b.waitFor("connected", timeout: 30) { $0.string("peer") == a.peer }
        #expect(try a.peerEntry(quiet.peer) == nil, "an mDNS node connected to the --no-mdns node")
        #expect(try b.peerEntry(quiet.peer) == nil, "an mDNS node connected to the --no-mdns node")
        try quiet.send("/peers")
        let peers = try quiet.waitFor("peers").objects("peers").compactMap { $0.string("peer") }
        #expect(!peers.contains(a.peer) && !peers.contains(b.peer), "the --no-mdns node has mDNS peers: \(peers)")
        try quiet.send("/peers")
        #expect(try quiet.waitFor("peers").strings("discovery").first == "mDNS off")
    }
}

/// py-libp2p 0.8.1 with `enable_mDNS=True` (python-zeroconf) and p2p-chat on one host, no address given.
@Suite("mDNS interop with py-libp2p 0.8.1", .serialized,
       .enabled(if: InteropEnvironment.interopEnabled, InteropEnvironment.skipReason))
struct MDNSInteropTests {
    @Test("p2p-chat discovers py and dials it; py discovers p2p-chat; both ping")
    func discoverEachOther() throws {
        let py = try PyPeer(seed: "mdns-interop-py", extraArguments: ["--mdns", "--no-perf"])
        let node = try ChatNode(name: "mdns-node", mdns: true)

        // We found py through its zeroconf response (dnsaddr= TXT) and dialed it.
        try node.waitFor("connected", timeout: 60) { $0.string("peer") == py.peer && $0.string("direction") == "outbound" }
        try node.send("/ping \(py.peer)")
        try node.waitFor("ping") { $0.string("peer") == py.peer }

        // py's zeroconf browser resolved our PTR/SRV/TXT/A answer and read our dnsaddr.
        let port = node.loopbackAddr.split(separator: "/")[3]
        let found = try py.waitFor("mdns-discovered", timeout: 60) { $0.string("peer") == node.peer }
        #expect(found.strings("addrs").contains { $0.hasSuffix("/tcp/\(port)") }, "py's view of our addresses: \(found)")
        try py.send("dial \(found.strings("addrs")[0])/p2p/\(node.peer)")
        try py.waitFor("dialed") { $0.string("peer") == node.peer }
        try py.send("ping \(node.peer)")
        try py.waitFor("ping") { $0.string("peer") == node.peer }
    }
}
