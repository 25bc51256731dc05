import Foundation
import Testing

/// The Kademlia DHT against py-libp2p 0.8.1 `KadDHT(host, DHTMode.SERVER)` (py_peer.py `--dht server`), all on
/// 127.0.0.1. p2p-chat nodes here listen on loopback only, so they are DHT clients unless `--dht-server`.
@Suite("DHT interop with py-libp2p 0.8.1", .serialized,
       .enabled(if: InteropEnvironment.interopEnabled, InteropEnvironment.skipReason))
struct DHTInteropTests {
    func pyServer(_ seed: String) throws -> PyPeer {
        try PyPeer(seed: seed, name: "py-dht-\(seed)", extraArguments: ["--dht", "server", "--no-perf"])
    }

    @Test("a room we provide through a py bootstrap server is among py's find_providers")
    func pyFindsOurRoom() throws {
        let py = try pyServer("dht-find-ours")
        let room = "dht-interop-ours"
        let node = try ChatNode(name: "p2p-chat", connect: [], extraArguments: ["--room", room, "--bootstrap", py.loopbackAddr])
        try py.send("dht-providers \(room) \(node.peer) 45")
        let event = try py.waitFor("dht-providers", timeout: 60) { $0.string("room") == room }
        let ours = event.objects("providers").first { $0.string("peer") == node.peer }
        #expect(ours != nil, "\(event)")
        #expect(ours?.strings("addrs").contains { $0.hasPrefix("/ip4/127.0.0.1/tcp/") } == true, "\(event)")
    }

    @Test("we find a room a py peer provided (stored on the py bootstrap server) and dial that peer")
    func weFindPysRoom() throws {
        let server = try pyServer("dht-find-theirs-server")
        let provider = try pyServer("dht-find-theirs-provider")
        let room = "dht-interop-theirs"
        try provider.send("dial \(server.loopbackAddr)")
        try provider.waitFor("dialed") { $0.string("peer") == server.peer }
        try provider.send("dht-add-peer \(server.peer)")
        try provider.waitFor("dht-peer-added")
        try provider.send("dht-provide \(room)")
        try provider.waitFor("dht-provided") { $0.bool("ok") == true }
        let node = try ChatNode(name: "p2p-chat", extraArguments: ["--room", room, "--bootstrap", server.loopbackAddr])
        // Only the DHT knows where the provider is: a connection to it proves the lookup found it.
        try node.waitFor("connected", timeout: 60) { $0.string("peer") == provider.peer }
    }

    @Test("our FIND_NODE answers are py's own XOR order over peers in py's table; only servers advertise kad")
    func findNodeAgreesWithPy() throws {
        let py = try pyServer("dht-find-node")
        let client = try ChatNode(name: "p2p-chat-client", extraArguments: ["--bootstrap", py.loopbackAddr])
        var servers: [ChatNode] = []
        for i in 0..<3 {
            servers.append(try ChatNode(name: "p2p-chat-server-\(i)", extraArguments: ["--dht-server", "--bootstrap", py.loopbackAddr]))
        }
        for server in servers {
            try py.send("dht-table \(server.peer) 30")
            try py.waitFor("dht-table") { $0.strings("peers").contains(server.peer) }
        }
        let key = "1220" + String(repeating: "ab", count: 32)
        try py.send("dht-find-node \(servers[0].peer) \(key) 2 30")
        let answer = try py.waitFor("dht-find-node", timeout: 45)
        let peers = answer.strings("peers")
        #expect(Set(peers) == Set([servers[1].peer, servers[2].peer]), "\(answer)")
        #expect(peers == answer.strings("py_order"), "closest first, as py orders them: \(answer)")
        #expect(Set(servers.map(\.peer)).isSubset(of: Set(answer.strings("table"))))
        // (py also adds a peer that opened a kad stream to it, so a client may be in py's table; what is ours to
        // get right is that a client does not advertise the protocol.)
        for (node, isServer) in [(client, false), (servers[0], true)] {
            try py.send("identify \(node.peer)")
            let identify = try py.waitFor("identify") { $0.string("peer") == node.peer }
            #expect(identify.strings("protocols").contains("/ipfs/kad/1.0.0") == isServer, "\(identify)")
        }
    }

    @Test("two p2p-chat nodes whose only common peer is a py KadDHT server meet in their room and chat")
    func meetThroughPyBootstrap() throws {
        let py = try pyServer("dht-meet")
        let room = "dht-interop-meet"
        let a = try ChatNode(name: "p2p-chat-a", extraArguments: ["--room", room, "--bootstrap", py.loopbackAddr])
        let b = try ChatNode(name: "p2p-chat-b", extraArguments: ["--room", room, "--bootstrap", py.loopbackAddr])
        try waitUntilInRoomTogether(a, b, room, timeout: 60)
        try b.send("met through py's DHT")
        try a.waitForMessage(content: "met through py's DHT", from: b.peer)
    }
}
