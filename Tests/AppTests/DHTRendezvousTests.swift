import Foundation
import Testing

/// Two headless p2p-chat nodes that know only a common bootstrap node meet in their room through the DHT
/// rendezvous (provider records of the room key) and chat. Everything listens on 127.0.0.1, so the two are
/// DHT clients and the bootstrap node serves the DHT because of `--dht-server`.
/// Once mDNS is merged, these nodes must also pass `--no-mdns`, or they could meet without the DHT.
@Suite("DHT rendezvous between p2p-chat nodes", .serialized)
struct DHTRendezvousTests {
    @Test("two nodes that only know a --dht-server bootstrap node find each other and chat")
    func meetThroughBootstrap() throws {
        let room = "dht-rendezvous"
        let bootstrap = try ChatNode(name: "p2p-chat-bootstrap", extraArguments: ["--room", "dht-lobby", "--dht-server"])
        let a = try ChatNode(name: "p2p-chat-a", extraArguments: ["--room", room, "--nick", "alice", "--bootstrap", bootstrap.loopbackAddr])
        let b = try ChatNode(name: "p2p-chat-b", extraArguments: ["--room", room, "--nick", "bob", "--bootstrap", bootstrap.loopbackAddr])
        try a.waitFor("connected", timeout: 60) { $0.string("peer") == b.peer }
        try waitUntilInRoomTogether(a, b, room, timeout: 60)
        try a.send("found you through the DHT")
        let message = try b.waitForMessage(content: "found you through the DHT", from: a.peer)
        #expect(message.string("username") == "alice" && message.string("room") == room, "\(message)")
    }

    @Test("without --bootstrap: the six public peers (five RSA, one Ed25519) are tried, /dnsaddr resolved, all quietly")
    func defaultBootstrapIsQuiet() throws {
        let node = try ChatNode(name: "p2p-chat-alone", extraArguments: ["--room", "dht-alone"], dht: true)
        #expect(try node.rooms().current == "dht-alone")
        #expect(!node.process.events.contains { $0.string("event") == "error" })
        let log = try String(contentsOf: node.dataDir.appendingPathComponent("p2p-chat.log"), encoding: .utf8)
        #expect(!log.contains("not Ed25519"), "no public peer is skipped any more: \(log)")
        #expect(log.contains("va1.bootstrap.libp2p.io") && log.contains("bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN"),
                "\(log)")
    }
}
