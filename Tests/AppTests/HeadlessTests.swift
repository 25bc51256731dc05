import Foundation
import Testing

/// The command line and headless contract of `p2p-chat` that needs no py-libp2p
/// (DESIGN.md "Command line and headless mode"; exit status 64 = EX_USAGE for bad input).
@Suite("p2p-chat command line and headless mode", .serialized)
struct HeadlessTests {
    /// Runs p2p-chat to completion with stdin closed; returns (status, stdout lines, stderr).
    func run(_ arguments: [String], timeout: Double = 20) throws -> (status: Int32, process: LineProcess) {
        let dir = try InteropEnvironment.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = try LineProcess(try InteropEnvironment.requireBinary(), arguments, name: "p2p-chat",
                                      environment: ChatNode.childEnvironment(dir).merging(["DATA_DIR": dir.path]) { $1 })
        process.closeStdin()
        let status = try process.waitForExit(timeout: timeout)
        return (status, process)
    }

    @Test("--version prints a version and exits 0")
    func version() throws {
        let (status, process) = try run(["--version"])
        #expect(status == 0, "\(process.diagnostics())")
        let text = process.nonJSONLines.joined(separator: "\n")
        #expect(text.contains { $0.isNumber }, "version text: \(text)")
    }

    @Test("--help exits 0 and documents the headless flags")
    func help() throws {
        let (status, process) = try run(["--help"])
        #expect(status == 0, "\(process.diagnostics())")
        let text = process.nonJSONLines.joined(separator: "\n") + process.stderrTail(100_000)
        for flag in ["--headless", "--listen", "--connect", "--data-dir"] {
            #expect(text.contains(flag), "--help mentions \(flag): \(text)")
        }
    }

    @Test("a bad listen multiaddr exits 64 with a message naming it", arguments: [
        "/ip4/999.1.1.1/tcp/0", "/ip4/127.0.0.1/tcp/99999", "/ip4/127.0.0.1/tcp", "not-a-multiaddr",
    ])
    func badListenAddress(_ addr: String) throws {
        let (status, process) = try run(["--headless", "--listen", addr])
        #expect(status == 64, "exit status for --listen \(addr)\(process.diagnostics())")
        let stderr = process.stderrTail()
        #expect(stderr.contains(addr), "stderr names the bad address: \(stderr)")
        #expect(process.events.allSatisfy { $0.string("event") != "ready" }, "no ready event")
    }

    @Test("an unusable listen address (not on this host) exits 64")
    func unusableListenAddress() throws {
        let (status, process) = try run(["--headless", "--listen", "/ip4/192.0.2.1/tcp/0"])
        #expect(status == 64, "exit status\(process.diagnostics())")
        #expect(!process.stderrTail().isEmpty, "a message on stderr")
    }

    @Test("--no-dht with --dht-server or --bootstrap is a usage error (64)", arguments: [
        ["--dht-server"], ["--bootstrap", "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8"],
    ])
    func noDHTConflicts(_ extra: [String]) throws {
        let (status, process) = try run(["--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-dht"] + extra)
        #expect(status == 64, "exit status\(process.diagnostics())")
        #expect(process.stderrTail().contains("--no-dht"), "stderr names the conflict")
    }

    @Test("a bad --connect multiaddr exits 64")
    func badConnectAddress() throws {
        let (status, process) = try run(["--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--connect", "/ip4/1.2.3/tcp/1"])
        #expect(status == 64, "exit status\(process.diagnostics())")
        #expect(process.stderrTail().contains("/ip4/1.2.3/tcp/1"), "stderr names the bad address")
    }

    @Test("an unknown flag exits 64")
    func unknownFlag() throws {
        let (status, process) = try run(["--no-such-flag"])
        #expect(status == 64, "exit status\(process.diagnostics())")
    }

    @Test("headless: ready, /peers, an unknown command, /quit")
    func readyPeersQuit() throws {
        let node = try ChatNode()
        #expect(node.peer.hasPrefix("12D3KooW"), "\(node.ready)")
        #expect(node.loopbackAddr.hasPrefix("/ip4/127.0.0.1/tcp/"), "\(node.ready)")
        #expect(node.loopbackAddr.hasSuffix("/p2p/\(node.peer)"), "\(node.ready)")
        #expect(!node.loopbackAddr.hasSuffix("/tcp/0/p2p/\(node.peer)"), "the real port, not 0: \(node.ready)")

        try node.send("/peers")
        let peers = try node.waitFor("peers")
        #expect(peers["peers"] is [Any], "peers is a list: \(peers)")

        try node.send("/no-such-command")
        let error = try node.process.waitFor(event: "error")
        #expect(!(error.string("message") ?? "").isEmpty, "\(error)")

        try node.send("/quit")
        #expect(try node.process.waitForExit(timeout: 15) == 0)
        #expect(node.process.nonJSONLines.isEmpty, "stdout carries only JSON: \(node.process.nonJSONLines)")
    }

    @Test("the PeerID survives a restart with the same data directory")
    func identityPersists() throws {
        let dir = try InteropEnvironment.temporaryDirectory("identity")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try ChatNode(dataDir: dir)
        let peer = first.peer
        first.process.closeStdin()
        #expect(try first.process.waitForExit(timeout: 15) == 0)
        let second = try ChatNode(dataDir: dir)
        #expect(second.peer == peer, "same identity after restart")
    }

    @Test("--connect by name: /dns4/localhost/… is looked up off the reactor and connects")
    func connectByName() throws {
        let a = try ChatNode(name: "p2p-chat-a")
        let byName = a.loopbackAddr.replacingOccurrences(of: "/ip4/127.0.0.1/", with: "/dns4/localhost/")
        #expect(byName.hasPrefix("/dns4/localhost/tcp/"), "\(byName)")
        let b = try ChatNode(name: "p2p-chat-b", connect: [byName])
        let connected = try b.waitFor("connected") { $0.string("peer") == a.peer }
        #expect(connected.string("direction") == "outbound", "\(connected)")
        try a.waitFor("connected") { $0.string("peer") == b.peer }
    }

    @Test("two p2p-chat nodes: connect, ping both ways, see each other's agent, disconnect")
    func twoNodes() throws {
        let a = try ChatNode(name: "p2p-chat-a")
        let b = try ChatNode(name: "p2p-chat-b", connect: [a.loopbackAddr])
        try b.waitFor("connected") { $0.string("peer") == a.peer }
        try a.waitFor("connected") { $0.string("peer") == b.peer }

        for (from, to) in [(a, b), (b, a)] {
            try from.send("/ping \(to.peer)")
            let ping = try from.waitFor("ping")
            #expect(ping.string("peer") == to.peer && ping.double("rtt_ms") != nil, "\(ping)")
        }
        try a.send("/peers")
        let entry = try #require(try a.waitFor("peers").objects("peers").first { $0.string("peer") == b.peer })
        #expect(entry.string("agent")?.hasPrefix("p2p-chat/") == true, "\(entry)")

        try b.send("/quit")
        #expect(try b.process.waitForExit(timeout: 15) == 0)
        try a.waitFor("disconnected") { $0.string("peer") == b.peer }
    }
}
