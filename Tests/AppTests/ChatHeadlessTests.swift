import Foundation
import Testing

/// The chat side of the headless contract between p2p-chat nodes only (no py-libp2p needed): rooms, nicks,
/// `/rooms`, `/peers` rooms, `/quit` announcing `leave`, the content limit, the default nick, forwarding.
/// Waits are on events (see ChatSupport.swift); nothing sleeps.
@Suite("p2p-chat chat rooms in headless mode", .serialized)
struct ChatHeadlessTests {
    /// Two nodes in `room`, b dialed a, each seeing the other in the room.
    func pair(_ room: String, nickA: String? = nil, nickB: String? = nil) throws -> (ChatNode, ChatNode) {
        let a = try ChatNode(name: "p2p-chat-a", room: room, nick: nickA)
        let b = try ChatNode(name: "p2p-chat-b", room: room, nick: nickB, connect: [a.loopbackAddr])
        try waitUntilInRoomTogether(a, b, room)
        return (a, b)
    }

    /// a and b know only the hub. When it quits, its PRUNEs offer each of them the other (PX, with the record the
    /// other signed), so they connect to each other and the room goes on without it.
    @Test("when the node two peers met through quits, its PX introduces them and the room stays connected",
          .timeLimit(.minutes(2)))
    func roomSurvivesItsHubQuitting() throws {
        let room = "headless-hub"
        let hub = try ChatNode(name: "p2p-chat-hub", room: room, nick: "hub")
        let a = try ChatNode(name: "p2p-chat-a", room: room, nick: "alice", connect: [hub.loopbackAddr])
        let b = try ChatNode(name: "p2p-chat-b", room: room, nick: "bob", connect: [hub.loopbackAddr])
        for node in [a, b] {
            try hub.waitUntilPeer(node.peer, what: "\(node.nick) in the hub's mesh") {
                $0?.strings("mesh_rooms").contains(room) == true
            }
        }
        #expect(try a.peerEntry(b.peer) == nil, "a and b know only the hub")

        try hub.send("/quit")
        #expect(try hub.process.waitForExit(timeout: 15) == 0)
        try a.waitFor("connected", timeout: 30) { $0.string("peer") == b.peer }
        try waitUntilInRoomTogether(a, b, room)
        try a.send("still here without the hub")
        #expect(try b.waitForMessage(content: "still here without the hub", from: a.peer).string("username") == "alice")
    }

    /// Each node joins while alone (its `join` reaches no one when published); the join lingers, so each still
    /// sees the other's once they meet, exactly once, and neither sees its own twice.
    @Test("a node met after joining still sees our join, once; so do we theirs")
    func joinReachesPeersMetAfterJoining() throws {
        let room = "headless-late-join"
        let a = try ChatNode(name: "p2p-chat-a", room: room, nick: "alice")
        try a.waitForMessage { $0.string("type") == "join" && $0.string("from") == a.peer }
        let b = try ChatNode(name: "p2p-chat-b", room: room, nick: "bob", connect: [a.loopbackAddr])
        let aJoin = try b.waitForMessage { $0.string("type") == "join" && $0.string("from") == a.peer }
        #expect(aJoin.string("username") == "alice" && aJoin.string("room") == room, "\(aJoin)")
        try a.waitForMessage { $0.string("type") == "join" && $0.string("from") == b.peer }

        try a.send("fence a")
        try b.send("fence b")
        try a.waitForMessage(content: "fence b", from: b.peer)
        try b.waitForMessage(content: "fence a", from: a.peer)
        for node in [a, b] {
            let joins = node.messageEvents.filter { $0.string("type") == "join" }.compactMap { $0.string("from") }
            #expect(joins.sorted() == [a.peer, b.peer].sorted(), "\(node.nick): one join from each")
        }
    }

    @Test("messages both ways between two nodes; each sender sees its own message once")
    func twoNodesChat() throws {
        let (a, b) = try pair("headless-basic", nickA: "alice", nickB: "bob")
        #expect(a.nick == "alice" && a.startRoom == "headless-basic", "\(a.ready)")

        try a.send("hi bob")
        let atB = try b.waitForMessage(content: "hi bob", from: a.peer)
        #expect(atB.string("username") == "alice" && atB.string("type") == "message" && atB.string("room") == "headless-basic",
                "\(atB)")
        let ownAtA = try a.waitForMessage(content: "hi bob", from: a.peer)
        #expect(ownAtA.string("id") == atB.string("id"), "one message ID on both sides")

        try b.send("hi alice")
        #expect(try a.waitForMessage(content: "hi alice", from: b.peer).string("username") == "bob")
        try b.waitForMessage(content: "hi alice", from: b.peer)
        #expect(a.messages(content: "hi bob").count == 1 && b.messages(content: "hi alice").count == 1)
    }

    @Test("/join and /leave a second room: join/leave announcements, messages only in joined rooms, /rooms")
    func joinAndLeave() throws {
        let (a, b) = try pair("headless-main", nickA: "alice", nickB: "bob")
        let side = "headless-side"

        #expect(try a.rooms() == ("headless-main", ["headless-main"]))

        try a.send("/join \(side)")
        let ownJoin = try a.waitForMessage { $0.string("type") == "join" && $0.string("room") == side }
        #expect(ownJoin.string("from") == a.peer && ownJoin.string("username") == "alice", "\(ownJoin)")
        let rooms = try a.rooms()
        #expect(rooms.current == side && Set(rooms.rooms) == ["headless-main", side], "\(rooms)")

        // b sees a in both rooms (/peers rooms), then joins: its `join` reaches a.
        try b.waitUntilPeer(a.peer, inRoom: side)
        #expect(try b.peerEntry(a.peer)?.strings("rooms").sorted() == ["headless-main", side])
        try b.send("/join \(side)")
        let bJoin = try a.waitForMessage { $0.string("type") == "join" && $0.string("room") == side && $0.string("from") == b.peer }
        #expect(bJoin.string("username") == "bob" && bJoin.string("content")?.isEmpty == false, "\(bJoin)")
        try a.waitUntilPeer(b.peer, inRoom: side)

        // Messages go to the current room (the last joined).
        try a.send("in the side room")
        #expect(try b.waitForMessage(content: "in the side room", from: a.peer).string("room") == side)

        // b leaves: a gets its `leave` in that room, and b's subscription is gone from a's /peers.
        try b.send("/leave \(side)")
        let bLeave = try a.waitForMessage { $0.string("type") == "leave" && $0.string("room") == side && $0.string("from") == b.peer }
        #expect(bLeave.string("username") == "bob", "\(bLeave)")
        #expect(try b.rooms() == ("headless-main", ["headless-main"]))
        try a.waitUntilPeer(b.peer, notInRoom: side)

        // a still talks in side: b must not see it. Then a leaves side and talks in main: b sees that.
        try a.send("b is not here any more")
        try a.waitForMessage(content: "b is not here any more", from: a.peer)
        try a.send("/leave \(side)")
        #expect(try a.rooms() == ("headless-main", ["headless-main"]))
        try a.send("back in main")
        let fence = try b.waitForMessage(content: "back in main", from: a.peer)
        #expect(fence.string("room") == "headless-main")
        #expect(b.messages(content: "b is not here any more").isEmpty, "no message from a room b left")

        // /leave without a room leaves the current one, and the previous room becomes current.
        try a.send("/join headless-third")
        #expect(try a.rooms().current == "headless-third")
        try a.send("/leave")
        try a.waitForMessage { $0.string("type") == "leave" && $0.string("room") == "headless-third" }
        #expect(try a.rooms() == ("headless-main", ["headless-main"]))

        // The last room cannot be left; leaving a room one is not in is an error too.
        try a.send("/leave")
        #expect(try a.process.waitFor(event: "error").string("message")?.isEmpty == false)
        try a.send("/leave no-such-room")
        #expect(try a.process.waitFor(event: "error").string("message")?.contains("no-such-room") == true)
        try a.send("/join headless-main")
        #expect(try a.process.waitFor(event: "error").string("message")?.isEmpty == false, "joining twice is an error")
    }

    @Test("/nick changes the username of later messages only")
    func nickChange() throws {
        let (a, b) = try pair("headless-nick", nickA: "before")
        try a.send("first")
        #expect(try b.waitForMessage(content: "first", from: a.peer).string("username") == "before")
        try a.send("/nick after")
        try a.send("second")
        let second = try b.waitForMessage(content: "second", from: a.peer)
        #expect(second.string("username") == "after", "\(second)")
        #expect(try a.waitForMessage(content: "second", from: a.peer).string("username") == "after")
        #expect(b.messages(content: "first").first?.string("username") == "before", "earlier messages keep their name")

        try a.send("/nick has space")
        #expect(try a.process.waitFor(event: "error").string("message") != nil, "a nick with a space is refused")
        try a.send("/nick \(String(repeating: "n", count: 65))")
        try a.process.waitFor(event: "error")
        try a.send("third")
        #expect(try b.waitForMessage(content: "third", from: a.peer).string("username") == "after")
    }

    @Test("/peers lists the rooms of each peer")
    func peersShowRooms() throws {
        let hub = try ChatNode(name: "p2p-chat-hub", room: "headless-peers-a")
        let x = try ChatNode(name: "p2p-chat-x", room: "headless-peers-a", connect: [hub.loopbackAddr])
        let y = try ChatNode(name: "p2p-chat-y", room: "headless-peers-b", connect: [hub.loopbackAddr])
        try y.send("/join headless-peers-c")
        try hub.waitUntilPeer(x.peer, inRoom: "headless-peers-a")
        try hub.waitUntilPeer(y.peer, inRoom: "headless-peers-c")

        try hub.send("/peers")
        let peers = try hub.waitFor("peers").objects("peers")
        let rooms = Dictionary(uniqueKeysWithValues: peers.map { ($0.string("peer") ?? "", $0.strings("rooms").sorted()) })
        #expect(rooms[x.peer] == ["headless-peers-a"], "\(peers)")
        #expect(rooms[y.peer] == ["headless-peers-b", "headless-peers-c"], "\(peers)")
        #expect(peers.allSatisfy { $0["rooms"] is [Any] }, "every entry has a rooms list")
    }

    @Test("/quit sends leave to every room before the other node sees the disconnect")
    func quitSendsLeave() throws {
        let (a, b) = try pair("headless-quit", nickB: "leaver")
        try b.send("/join headless-quit-2")
        try a.send("/join headless-quit-2")
        try waitUntilInRoomTogether(a, b, "headless-quit-2")

        try b.send("/quit")
        #expect(try b.process.waitForExit(timeout: 15) == 0)
        try a.waitFor("disconnected", timeout: 15) { $0.string("peer") == b.peer }
        let events = a.process.events
        let disconnectIndex = events.firstIndex { $0.string("event") == "disconnected" && $0.string("peer") == b.peer }
        for room in ["headless-quit", "headless-quit-2"] {
            let leaveIndex = events.firstIndex {
                $0.string("event") == "message" && $0.string("type") == "leave" && $0.string("from") == b.peer
                    && $0.string("room") == room
            }
            #expect(leaveIndex != nil, "a got b's leave in \(room): \(events.suffix(8).map(LineProcess.json))")
            if let leaveIndex, let disconnectIndex {
                #expect(leaveIndex < disconnectIndex, "leave in \(room) before disconnected")
            }
            if let leaveIndex { #expect(events[leaveIndex].string("username") == "leaver") }
        }
    }

    @Test("EOF on stdin quits the same way: leave is delivered")
    func eofSendsLeave() throws {
        let (a, b) = try pair("headless-eof")
        b.process.closeStdin()
        #expect(try b.process.waitForExit(timeout: 15) == 0)
        try a.waitForMessage { $0.string("type") == "leave" && $0.string("from") == b.peer }
        try a.waitFor("disconnected", timeout: 15) { $0.string("peer") == b.peer }
    }

    @Test("60 lines written at once, then EOF: all reach the peer, in order, past its rate limit (burst 40)",
          .timeLimit(.minutes(2)))
    func burstIsPacedNotLost() throws {
        let (a, b) = try pair("headless-paced")
        let count = 60
        try a.send((0..<count).map { "paced \($0)" }.joined(separator: "\n"))
        a.process.closeStdin()   // quitting waits for the queued lines, then sends leave
        try a.waitForMessage(content: "paced \(count - 1)", from: a.peer)
        try b.waitForMessage(content: "paced \(count - 1)", from: a.peer)
        #expect(try a.process.waitForExit(timeout: 15) == 0)
        try b.waitForMessage { $0.string("type") == "leave" && $0.string("from") == a.peer }
        let arrived = b.messageEvents.compactMap { $0.string("content") }.filter { $0.hasPrefix("paced ") }
        #expect(arrived == (0..<count).map { "paced \($0)" }, "every line once, in order: \(arrived.count) of \(count)")
        let leaveIndex = b.process.events.firstIndex { $0.string("type") == "leave" && $0.string("from") == a.peer }
        let lastIndex = b.process.events.firstIndex { $0.string("content") == "paced \(count - 1)" }
        if let leaveIndex, let lastIndex { #expect(lastIndex < leaveIndex, "the queued lines before the leave") }
    }

    @Test("content over 16 KiB is refused with an error event; exactly 16 KiB is delivered")
    func overlongMessage() throws {
        let (a, b) = try pair("headless-long")
        let limit = 16 * 1024
        try a.send(String(repeating: "x", count: limit + 1))
        let error = try a.process.waitFor(event: "error")
        #expect(error.string("message")?.contains("\(limit + 1)") == true, "the error names the size: \(error)")

        let atLimit = String(repeating: "y", count: limit)
        try a.send(atLimit)
        try b.waitForMessage(content: atLimit, from: a.peer)
        let multibyte = String(repeating: "é", count: limit / 2 + 1)   // 2 bytes each: over by 2 bytes
        try a.send(multibyte)
        try a.process.waitFor(event: "error")
        try a.send("still chatting")
        try b.waitForMessage(content: "still chatting", from: a.peer)
        #expect(!b.messageEvents.contains { ($0.string("content")?.utf8.count ?? 0) > limit }, "nothing over the limit arrived")
        #expect(!a.messageEvents.contains { ($0.string("content")?.utf8.count ?? 0) > limit }, "nor was shown locally")
    }

    @Test("the default nick is user_NNNN and stays the same across restarts with one data directory")
    func defaultNickStable() throws {
        let dir = try InteropEnvironment.temporaryDirectory("nick")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try ChatNode(name: "p2p-chat-first", dataDir: dir)
        let nick = first.nick
        #expect(nick.range(of: #"^user_[0-9]{4}$"#, options: .regularExpression) != nil, "default nick: \(first.ready)")
        try first.send("hello")
        #expect(try first.waitForMessage(content: "hello").string("username") == nick, "messages carry the default nick")
        try first.send("/quit")
        #expect(try first.process.waitForExit(timeout: 15) == 0)

        let second = try ChatNode(name: "p2p-chat-second", dataDir: dir)
        #expect(second.peer == first.peer && second.nick == nick, "same identity, same nick: \(second.ready)")
        second.process.terminate()
        let other = try ChatNode(name: "p2p-chat-other")
        #expect(other.nick.hasPrefix("user_"), "\(other.ready)")
        let named = try ChatNode(name: "p2p-chat-named", room: "headless-nick-flag", nick: "given", dataDir: dir)
        #expect(named.nick == "given", "--nick overrides the default: \(named.ready)")
    }

    @Test("three nodes in a line a – b – c: b forwards, a and c never connect")
    func threeNodeLine() throws {
        let room = "headless-line"
        let b = try ChatNode(name: "p2p-chat-b", room: room)
        let a = try ChatNode(name: "p2p-chat-a", room: room, connect: [b.loopbackAddr])
        let c = try ChatNode(name: "p2p-chat-c", room: room, connect: [b.loopbackAddr])
        try waitUntilInRoomTogether(a, b, room)
        try waitUntilInRoomTogether(c, b, room)

        try a.send("a to c")
        let atC = try c.waitForMessage(content: "a to c", from: a.peer)
        try b.waitForMessage(content: "a to c", from: a.peer)
        try c.send("c to a")
        try a.waitForMessage(content: "c to a", from: c.peer)
        #expect(atC.string("id") == a.messages(content: "a to c").first?.string("id"))
        #expect(try a.peerEntry(c.peer) == nil, "a is not connected to c")
        for node in [a, b, c] {
            #expect(node.messages(content: "a to c").count == 1, "\(node.process.name) shows a's message once")
        }
    }

    @Test("the same text sent twice is delivered twice")
    func sameTextTwice() throws {
        let (a, b) = try pair("headless-twice")
        try a.send("again")
        try a.send("again")
        try b.waitForMessage(content: "again", from: a.peer)
        try b.waitForMessage(content: "again", from: a.peer)
        try a.send("done")
        try b.waitForMessage(content: "done", from: a.peer)
        try a.waitForMessage(content: "done", from: a.peer)   // a's own events up to here are read
        let ids = b.messages(content: "again").compactMap { $0.string("id") }
        #expect(ids.count == 2 && Set(ids).count == 2, "two messages with two IDs: \(ids)")
        #expect(a.messages(content: "again").count == 2, "shown twice at the sender too")
    }
}
