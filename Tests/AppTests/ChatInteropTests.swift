import Foundation
import Testing

/// Chat over GossipSub between p2p-chat and real py-libp2p 0.8.1 peers (Tests/Interop/py/py_peer.py with
/// GossipSub v1.1, heartbeat 1 s, adaptive gossip off, spam limit raised), all on 127.0.0.1.
///
/// Every wait is on an event (see ChatSupport.swift for when a message can reach whom); timeouts are generous
/// because py works on a 1 s heartbeat. Skipped with a visible reason when there is no virtualenv; under
/// CI=true they run and fail instead (InteropEnvironment).
@Suite("Chat interop with py-libp2p 0.8.1", .serialized,
       .enabled(if: InteropEnvironment.interopEnabled, InteropEnvironment.skipReason))
struct ChatInteropTests {
    /// py is subscribed to `topic` and connected to `node` (which starts in `topic`); returns once messages
    /// can flow both ways: py's mesh has the node, and the node floods to py.
    func link(_ py: PyPeer, _ node: ChatNode, _ topic: String) throws {
        try py.waitForMesh(topic, containing: node.peer)        // py publishes and forwards to us
        try py.waitForSubscription(topic, of: node.peer)        // our outbound stream to py is up …
        try node.waitUntilPeer(py.peer, inRoom: topic)          // … and we know py's subscription
    }

    @Test("messages both ways: py sees our chat JSON signed by us; we show py's message with py as sender")
    func messagesBothWays() throws {
        let topic = "interop-both-ways"
        let py = try PyPeer(seed: "chat-both-ways")
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic, nick: "swifty")
        try py.send("dial \(node.loopbackAddr)")
        try py.waitFor("dialed") { $0.string("peer") == node.peer }
        try link(py, node, topic)

        // p2p-chat → py
        try node.send("hello from p2p-chat, ünïcödé ✓")
        let (event, chat) = try py.waitForChat(content: "hello from p2p-chat, ünïcödé ✓")
        #expect(event.string("from") == node.peer, "the signed author py verified is our PeerID: \(event)")
        #expect(event.string("topic") == topic)
        #expect(chat.string("type") == "message", "\(chat)")
        #expect(chat.string("from") == node.peer, "JSON from = our PeerID: \(chat)")
        #expect(chat.string("username") == "swifty", "\(chat)")
        let now = Int(Date().timeIntervalSince1970)
        let timestamp = chat.int("timestamp") ?? 0
        #expect(abs(timestamp - now) < 120, "timestamp is unix seconds: \(chat)")
        #expect(Set(chat.keys) == ["type", "content", "username", "timestamp", "from"],
                "exactly the Go program's fields: \(chat)")

        // our own message: one event, from us
        let own = try node.waitForMessage(content: "hello from p2p-chat, ünïcödé ✓")
        #expect(own.string("from") == node.peer && own.string("username") == "swifty" && own.string("room") == topic)

        // py → p2p-chat
        let id = try py.publishChat(topic, "hello from py")
        let theirs = try node.waitForMessage(content: "hello from py")
        #expect(theirs.string("from") == py.peer, "sender shown is py's PeerID: \(theirs)")
        #expect(theirs.string("username") == "py" && theirs.string("type") == "message" && theirs.string("room") == topic,
                "\(theirs)")
        #expect(theirs.string("id") == id, "message id is from‖seqno, the same on both sides: \(theirs)")
        #expect(theirs.int("timestamp") != nil, "\(theirs)")

        // py's message, then ours again: still exactly one event each
        try node.send("second from p2p-chat")
        try py.waitForChat(content: "second from p2p-chat")
        #expect(node.messages(content: "hello from p2p-chat, ünïcödé ✓").count == 1, "own message shown once")
        #expect(node.messages(content: "hello from py").count == 1, "py's message shown once")
        #expect(py.messageEvents.filter { PyPeer.chat($0)?.string("content") == "hello from p2p-chat, ünïcödé ✓" }.count == 1,
                "py delivered ours once")
    }

    @Test("a line py1 – p2p-chat – py2: py1's messages reach py2 through us, and back", .timeLimit(.minutes(3)))
    func pyThroughUs() throws {
        let topic = "interop-line-py-us-py"
        let node = try ChatNode(name: "p2p-chat", room: topic)
        let py1 = try PyPeer(seed: "chat-line-py1", name: "py1")
        let py2 = try PyPeer(seed: "chat-line-py2", name: "py2")
        for py in [py1, py2] {
            try py.subscribe(topic)
            try py.send("dial \(node.loopbackAddr)")
            try py.waitFor("dialed") { $0.string("peer") == node.peer }
        }
        try link(py1, node, topic)
        try link(py2, node, topic)

        let id1 = try py1.publishChat(topic, "py1 to py2 via p2p-chat")
        let got = try py2.waitForMessage(id: id1, timeout: 30)
        #expect(got.string("from") == py1.peer, "author is py1 (signature kept intact by our forwarding): \(got)")
        try node.waitForMessage(content: "py1 to py2 via p2p-chat", from: py1.peer)

        let id2 = try py2.publishChat(topic, "py2 to py1 via p2p-chat")
        #expect(try py1.waitForMessage(id: id2, timeout: 30).string("from") == py2.peer)
        try node.waitForMessage(content: "py2 to py1 via p2p-chat", from: py2.peer)

        // py1 and py2 never connected to each other: the only path was through p2p-chat.
        try py1.send("topic-peers \(topic)")
        let known = try py1.waitFor("topic-peers").strings("peers")
        #expect(known == [node.peer], "py1 knows only p2p-chat in the topic: \(known)")
        try py1.send("peers")
        let peers = try py1.waitFor("peers").objects("peers").compactMap { $0.string("peer") }
        #expect(!peers.contains(py2.peer), "py1 is not connected to py2: \(peers)")
        #expect(py2.messageEvents.filter { $0.string("id") == id1 }.count == 1, "py2 got py1's message once")
    }

    @Test("a line p2p-chat1 – py – p2p-chat2: py forwards our signed messages both ways", .timeLimit(.minutes(3)))
    func usThroughPy() throws {
        let topic = "interop-line-us-py-us"
        let py = try PyPeer(seed: "chat-line-middle")
        try py.subscribe(topic)
        let a = try ChatNode(name: "p2p-chat-1", room: topic, nick: "one", connect: [py.loopbackAddr])
        let b = try ChatNode(name: "p2p-chat-2", room: topic, nick: "two", connect: [py.loopbackAddr])
        try link(py, a, topic)
        try link(py, b, topic)

        try a.send("one to two via py")
        let atB = try b.waitForMessage(content: "one to two via py", timeout: 30)
        #expect(atB.string("from") == a.peer && atB.string("username") == "one" && atB.string("room") == topic, "\(atB)")
        try py.waitForChat(content: "one to two via py")

        try b.send("two to one via py")
        let atA = try a.waitForMessage(content: "two to one via py", timeout: 30)
        #expect(atA.string("from") == b.peer && atA.string("username") == "two", "\(atA)")
        let ownAtB = try b.waitForMessage(content: "two to one via py", from: b.peer)
        #expect(atA.string("id") == ownAtB.string("id"), "the same message ID at sender and receiver")

        #expect(try a.peerEntry(b.peer) == nil, "p2p-chat-1 is not connected to p2p-chat-2")
        #expect(b.messages(content: "one to two via py").count == 1)
        #expect(a.messages(content: "two to one via py").count == 1)
    }

    /// py-libp2p with peer exchange on leaves the room: its PRUNE to each of us offers the other, with the signed
    /// record the other gave py in identify. We verify that record and dial the address in it: the two p2p-chat
    /// nodes, which knew only py, meet and chat directly.
    @Test("py's PX when it leaves the room: we dial the peer it offers on its signed addresses, and chat",
          .timeLimit(.minutes(3)))
    func peerExchangeFromPy() throws {
        let topic = "interop-px"
        let py = try PyPeer(seed: "chat-px", extraArguments: ["--do-px"])
        try py.subscribe(topic)
        let a = try ChatNode(name: "p2p-chat-1", room: topic, nick: "one", connect: [py.loopbackAddr])
        let b = try ChatNode(name: "p2p-chat-2", room: topic, nick: "two", connect: [py.loopbackAddr])
        try link(py, a, topic)
        try link(py, b, topic)
        #expect(try a.peerEntry(b.peer) == nil, "the two know only py so far")

        try py.send("unsubscribe \(topic)")
        try py.waitFor("unsubscribed") { $0.string("topic") == topic }
        try a.waitFor("connected", timeout: 30) { $0.string("peer") == b.peer }
        try a.waitUntilPeer(b.peer, inRoom: topic)
        let entry = try #require(try a.peerEntry(b.peer))
        #expect(entry.strings("signed_addrs") == b.addrs.map { $0.replacingOccurrences(of: "/p2p/\(b.peer)", with: "") },
                "\(entry)")
        try a.send("met through py's PX")
        let atB = try b.waitForMessage(content: "met through py's PX", from: a.peer)
        #expect(atB.string("username") == "one", "\(atB)")
        // Both were offered the other and dialed at once: one connection is kept, the other retired, none dropped.
        for (node, other) in [(a, b), (b, a)] {
            #expect(!node.process.events.contains { $0.string("event") == "disconnected" && $0.string("peer") == other.peer },
                    "\(node.process.events.suffix(8))")
        }
    }

    /// The other direction: two py-libp2p peers know only our node. When it quits, its PRUNEs offer each the
    /// other with the record that peer signed for us in identify; py-libp2p verifies it and dials.
    @Test("our PX when we quit: two py peers that knew only us are introduced and connect", .timeLimit(.minutes(3)))
    func peerExchangeToPy() throws {
        let topic = "interop-px-to-py"
        let py1 = try PyPeer(seed: "chat-px-to-1"), py2 = try PyPeer(seed: "chat-px-to-2")
        try py1.subscribe(topic)
        try py2.subscribe(topic)
        let hub = try ChatNode(name: "p2p-chat-hub", room: topic, nick: "hub", connect: [py1.loopbackAddr, py2.loopbackAddr])
        for py in [py1, py2] {
            try link(py, hub, topic)
            try hub.waitUntilPeer(py.peer, what: "\(py.peer) in our mesh") { $0?.strings("mesh_rooms").contains(topic) == true }
        }
        try hub.send("/quit")
        #expect(try hub.process.waitForExit(timeout: 15) == 0)
        try py1.waitFor("connected", timeout: 30) { $0.string("peer") == py2.peer }
        try py2.waitFor("connected", timeout: 30) { $0.string("peer") == py1.peer }
    }

    @Test("py's replay of recent messages to a new subscriber is shown once per message", .timeLimit(.minutes(3)))
    func replayDeduplicated() throws {
        let lobby = "interop-replay-lobby"
        let topic = "interop-replay"
        let py = try PyPeer(seed: "chat-replay")
        try py.subscribe(lobby)
        let node = try ChatNode(name: "p2p-chat", room: lobby)
        try py.send("dial \(node.loopbackAddr)")
        try py.waitFor("dialed") { $0.string("peer") == node.peer }
        try link(py, node, lobby)

        // py publishes into a topic we are not in yet: the messages stay in its message cache (and in its
        // queue for connected peers whose subscription it hasn't seen).
        try py.subscribe(topic)
        var ids: [String] = []
        for i in 0..<3 { ids.append(try py.publishChat(topic, "before we joined \(i)")) }

        // We join: py flushes its queue *and* replays its cache to us — the same messages more than once.
        try node.send("/join \(topic)")
        for i in 0..<3 { try node.waitForMessage(content: "before we joined \(i)", from: py.peer, timeout: 30) }

        // A fence on the same py→us stream: everything py wrote before it has been read by us.
        try py.waitForMesh(topic, containing: node.peer)
        let fence = try py.publishChat(topic, "fence")
        try node.waitForMessage(content: "fence", from: py.peer, timeout: 30)
        try py.waitUntilWritten(fence, to: node.peer)   // py counts a write after it returns; we may read it first
        let sent = try py.sentCounts(to: node.peer)

        for (i, id) in ids.enumerated() {
            let shown = node.messageEvents.filter { $0.string("id") == id }
            #expect(shown.count == 1, "message \(i) shown exactly once (py wrote it \(sent[id] ?? 0)×): \(shown)")
            #expect((sent[id] ?? 0) >= 1, "py wrote message \(i) to us")
        }
        #expect(ids.contains { (sent[$0] ?? 0) >= 2 },
                "py replayed at least one message (written more than once), so deduplication was exercised: \(sent)")
        #expect(node.messageEvents.filter { $0.string("id") == fence }.count == 1)
    }

    @Test("forged from, non-JSON and corrupted-signature messages are dropped; good messages keep flowing",
          .timeLimit(.minutes(3)))
    func badMessagesRejected() throws {
        let topic = "interop-bad-messages"
        let node = try ChatNode(name: "p2p-chat", room: topic)
        let alice = try PyPeer(seed: "chat-bad-alice", name: "py-alice")
        let mallory = try PyPeer(seed: "chat-bad-mallory", name: "py-mallory")
        for py in [alice, mallory] {
            try py.subscribe(topic)
            try py.send("dial \(node.loopbackAddr)")
            try py.waitFor("dialed") { $0.string("peer") == node.peer }
            try link(py, node, topic)
        }
        var round = 0
        /// Good traffic both ways with alice.
        func goodTrafficFlows() throws {
            round += 1
            let id = try alice.publishChat(topic, "good from alice \(round)")
            try node.waitForMessage(content: "good from alice \(round)", from: alice.peer, timeout: 30)
            #expect(node.messageEvents.last { $0.string("content") == "good from alice \(round)" }?.string("id") == id)
            try node.send("good from p2p-chat \(round)")
            try alice.waitForChat(content: "good from p2p-chat \(round)", timeout: 30)
        }
        /// Waits until mallory has written message `id` to us, then pings mallory: the reply comes after the
        /// message on the same connection, so by the `ping` event we have processed (and dropped) it.
        func assertDropped(_ id: String, _ what: String) throws {
            try mallory.send("sent \(node.peer) \(id) 30")
            let sent = try mallory.waitFor("sent", timeout: 40) { $0.string("peer") == node.peer }
            #expect((sent["messages"] as? [String: Any])?[id] != nil, "mallory wrote the \(what) message to us")
            try node.send("/ping \(mallory.peer)")
            try node.waitFor("ping") { $0.string("peer") == mallory.peer }
            let shown = node.messageEvents.filter { $0.string("id") == id }
            #expect(shown.isEmpty, "no message event for the \(what) message: \(shown)")
        }

        try goodTrafficFlows()

        // 1. Signed by mallory, but the JSON claims to come from alice (sent through py's own publish path).
        let forgedJSON = #"{"type":"message","content":"forged","username":"alice","timestamp":1,"from":"\#(alice.peer)"}"#
        let forged = try mallory.publish(topic, raw: forgedJSON)
        try assertDropped(forged, "forged-from")
        try goodTrafficFlows()

        // 2. Not JSON at all (written directly: mallory may have left our mesh after 1).
        try mallory.send("publish-direct \(topic) this is not json")
        let nonJSON = try mallory.waitFor("published-direct")
        #expect(nonJSON.strings("peers").contains(node.peer), "\(nonJSON)")
        try assertDropped(nonJSON.string("id") ?? "", "non-JSON")
        try goodTrafficFlows()

        // 3. A chat message whose signature has one bit flipped.
        try mallory.send("publish-corrupt \(topic) corrupted signature")
        let corrupt = try mallory.waitFor("published-corrupt")
        #expect(corrupt.strings("peers").contains(node.peer), "\(corrupt)")
        try assertDropped(corrupt.string("id") ?? "", "corrupted-signature")
        try goodTrafficFlows()

        // None of mallory's bad messages was forwarded to alice either.
        for id in [forged, nonJSON.string("id") ?? "", corrupt.string("id") ?? ""] {
            #expect(!alice.messageEvents.contains { $0.string("id") == id }, "alice never got \(id)")
        }
        #expect(!node.messageEvents.contains { $0.string("content") == "forged" || $0.string("from") == mallory.peer },
                "nothing from mallory was shown")
    }

    @Test("py's JSON: extra fields are allowed, a missing from means the signed author, unknown types are ignored")
    func lenientJSON() throws {
        let topic = "interop-lenient-json"
        let py = try PyPeer(seed: "chat-lenient")
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic, connect: [py.loopbackAddr])
        try link(py, node, topic)

        let extra = #"{"type":"message","content":"with extras","username":"py","timestamp":5,"from":"\#(py.peer)","color":"red","v":2}"#
        let extraID = try py.publish(topic, raw: extra)
        let shown = try node.waitForMessage(content: "with extras", from: py.peer)
        #expect(shown.string("id") == extraID && shown.int("timestamp") == 5, "\(shown)")

        let noFrom = #"{"type":"message","content":"no from field","username":"anon","timestamp":6}"#
        try py.publish(topic, raw: noFrom)
        let anon = try node.waitForMessage(content: "no from field")
        #expect(anon.string("from") == py.peer, "the sender shown is the signed author: \(anon)")

        let unknown = #"{"type":"typing","content":"unknown type","username":"py","timestamp":7,"from":"\#(py.peer)"}"#
        let unknownID = try py.publish(topic, raw: unknown)
        // A fence on the same stream: py's next message arrives after the unknown one was processed.
        try py.publishChat(topic, "after the unknown type")
        try node.waitForMessage(content: "after the unknown type", from: py.peer)
        #expect(!node.messageEvents.contains { $0.string("id") == unknownID }, "no event for an unknown type")
    }

    @Test("an author over the rate limit is throttled, not penalised: its later messages arrive", .timeLimit(.minutes(3)))
    func rateLimited() throws {
        let topic = "interop-rate-limit"
        let py = try PyPeer(seed: "chat-rate")
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic, connect: [py.loopbackAddr])
        try link(py, node, topic)

        // Bursts of 40 at 10/s: far more than can pass while py publishes them. One at a time, each written to
        // us before the next (py drops RPCs beyond its 32-deep outbound queue).
        let count = 120
        for i in 0..<count {
            let id = try py.publishChat(topic, "burst \(i)")
            try py.waitUntilWritten(id, to: node.peer)
        }

        // Let the bucket refill (py's heartbeats are 1 s), then a fence on the same stream.
        try py.waitForHeartbeats(2)
        try py.publishChat(topic, "after the burst")
        try node.waitForMessage(content: "after the burst", from: py.peer, timeout: 30)
        let delivered = node.messageEvents.filter { ($0.string("content") ?? "").hasPrefix("burst ") }
        #expect(delivered.count >= 40 && delivered.count < count,
                "the burst was cut to about 40 + 10/s: \(delivered.count) of \(count) shown")
        #expect(Set(delivered.compactMap { $0.string("id") }).count == delivered.count, "each shown once")
    }

    @Test("a relay that forwarded invalid messages still delivers later good ones",
          .timeLimit(.minutes(3)))
    func relayKeepsDeliveringAfterInvalid() throws {
        let topic = "interop-relay-after-invalid"
        let py = try PyPeer(seed: "chat-relay-after-invalid")
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic)
        try py.send("dial \(node.loopbackAddr)")
        try py.waitFor("dialed") { $0.string("peer") == node.peer }
        try link(py, node, topic)

        let forgedJSON = #"{"type":"message","content":"forged","username":"x","timestamp":1,"from":"\#(node.peer)"}"#
        let bad = [("publish \(topic) \(forgedJSON)", "published"), ("publish-direct \(topic) not json", "published-direct"),
                   ("publish-corrupt \(topic) corrupt", "published-corrupt")]
        for (i, (command, reply)) in bad.enumerated() {
            try py.send(command)
            try py.waitFor(reply)
            try py.publishChat(topic, "good after bad \(i)")
            try node.waitForMessage(content: "good after bad \(i)", from: py.peer, timeout: 30)
        }
    }

    @Test("/quit delivers our leave to py before the connection closes")
    func quitDeliversLeaveToPy() throws {
        let topic = "interop-quit"
        let py = try PyPeer(seed: "chat-quit")
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic, nick: "bye", connect: [py.loopbackAddr])
        try link(py, node, topic)
        try node.send("/quit")
        #expect(try node.process.waitForExit(timeout: 15) == 0)
        let (event, chat) = try py.waitForChat(content: "bye left", timeout: 15)
        #expect(event.string("from") == node.peer && chat.string("type") == "leave" && chat.string("username") == "bye",
                "\(event)")
        try py.waitFor("disconnected", timeout: 15) { $0.string("peer") == node.peer }
    }

    /// A py peer with an RSA (`Qm…`) or secp256k1 (`16Uiu2…`) identity: its messages carry its key and a
    /// signature of that kind, which we check; the sender shown is its PeerID. Ours reach it as usual.
    @Test("chat with a py peer that has an RSA or secp256k1 identity, both ways", .timeLimit(.minutes(2)),
          arguments: ["--rsa", "--secp256k1"])
    func otherKeyTypeAuthor(_ flag: String) throws {
        let topic = "interop-key-\(flag.dropFirst(2))"
        let py = try PyPeer(seed: "unused", extraArguments: [flag])
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic, nick: "ed", connect: [py.loopbackAddr])
        try link(py, node, topic)
        let id = try py.publishChat(topic, "signed with \(flag)")
        let shown = try node.waitForMessage(content: "signed with \(flag)")
        #expect(shown.string("from") == py.peer && shown.string("id") == id, "\(shown)")
        try node.send("answered with Ed25519")
        #expect(try py.waitForChat(content: "answered with Ed25519").event.string("from") == node.peer)
    }

    /// We join while alone, so our `join` reaches no one when it is published; py dials us a moment later and
    /// still gets it (it lingers in the room), once, and py's GossipSub takes it as any other message of ours.
    @Test("py that dials us after we joined still gets our join, once")
    func joinReachesPyMetLater() throws {
        let topic = "interop-late-join"
        let node = try ChatNode(name: "p2p-chat", room: topic, nick: "early")
        try node.waitForMessage { $0.string("type") == "join" && $0.string("from") == node.peer }
        let py = try PyPeer(seed: "chat-late-join")
        try py.subscribe(topic)
        try py.send("dial \(node.loopbackAddr)")
        let (event, chat) = try py.waitForChat(content: "early joined")
        #expect(event.string("from") == node.peer && chat.string("type") == "join" && chat.string("username") == "early",
                "\(event)")

        try link(py, node, topic)
        try node.send("fence")
        try py.waitForChat(content: "fence")
        let joins = py.process.events.filter { PyPeer.chat($0)?.string("content") == "early joined" }
        #expect(joins.count == 1, "\(joins)")
    }

    @Test("after /leave and /join of a room, py's messages reach us again once the unsubscribe backoff is over",
          .timeLimit(.minutes(3)))
    func rejoinAfterLeave() throws {
        let main = "interop-rejoin-main"
        let side = "interop-rejoin-side"
        let py = try PyPeer(seed: "chat-rejoin")
        try py.subscribe(main)
        try py.subscribe(side)
        let node = try ChatNode(name: "p2p-chat", room: main, connect: [py.loopbackAddr])
        try link(py, node, main)
        try node.send("/join \(side)")
        try py.waitForMesh(side, containing: node.peer)
        try node.send("/leave \(side)")
        try py.waitForChat(content: "\(node.nick) left")
        // Our PRUNE (unsubscribe backoff 10 s) must have reached py before we join again: else py's mesh still
        // holds us from before, and the wait below would pass on that stale state.
        try py.waitForMeshLeft(side, by: node.peer)
        try node.send("/join \(side)")
        try py.waitForSubscription(side, of: node.peer)
        // The unsubscribe backoff is 10 s; py grafts us again on a heartbeat after it. Until then py neither
        // grafts nor gossips to us (its IHAVE skips peers in backoff, unlike go-libp2p's), so what py publishes
        // in that window reaches us only through other peers: the messages below are published after it.
        try py.waitForMesh(side, containing: node.peer, timeout: 40)
        // py's GRAFT may have been answered with a PRUNE just now: give that a round trip to arrive at py
        // before it publishes (the test must not pass by racing ahead of our reply).
        try node.send("/ping \(py.peer)")
        try node.waitFor("ping")
        try py.send("ping \(node.peer)")
        try py.waitFor("ping")
        for round in 0..<3 {
            for room in [side, main] {
                try py.publishChat(room, "after rejoin \(round) in \(room)")
                try node.waitForMessage(content: "after rejoin \(round) in \(room)", from: py.peer, timeout: 30)
            }
            // Let heartbeats pass (ours too): a penalty would show up as PRUNEs on the next one.
            try py.waitForHeartbeats(2)
        }
    }

    @Test("the same text sent twice is delivered twice, both ways")
    func sameTextTwice() throws {
        let topic = "interop-same-text"
        let py = try PyPeer(seed: "chat-same-text")
        try py.subscribe(topic)
        let node = try ChatNode(name: "p2p-chat", room: topic, connect: [py.loopbackAddr])
        try link(py, node, topic)

        try node.send("same words")
        try node.send("same words")
        try py.waitForChat(content: "same words")
        try py.waitForChat(content: "same words")
        let atPy = py.messageEvents.filter { PyPeer.chat($0)?.string("content") == "same words" }
        #expect(Set(atPy.compactMap { $0.string("id") }).count == 2, "two distinct messages at py: \(atPy)")

        let first = try py.publishChat(topic, "py says it twice")
        let second = try py.publishChat(topic, "py says it twice")
        #expect(first != second)
        try node.waitForMessage(content: "py says it twice", from: py.peer)
        try node.waitForMessage(content: "py says it twice", from: py.peer)
        #expect(Set(node.messages(content: "py says it twice").compactMap { $0.string("id") }) == [first, second])
        #expect(node.messages(content: "same words").count == 2, "our own two messages shown twice")
    }
}
