import Foundation

/// Chat helpers for the GossipSub tests: rooms, nicks, message events and the waits that make delivery
/// deterministic without sleeping.
///
/// When does a published message reach a peer?
///   - p2p-chat publishes its own messages to every peer it knows is in the room (flood publish) over its
///     long-lived outbound pubsub stream. So it needs (1) the peer's subscription, seen in our `/peers`
///     `rooms`, and (2) its outbound stream to the peer, which the peer proves by knowing *our* rooms.
///   - p2p-chat forwards others' messages to its mesh only; it grafts a peer as soon as (1) and (2) hold.
///   - py-libp2p publishes and forwards to its mesh only (no flood publish): wait for `mesh TOPIC PEER`.
extension ChatNode {
    /// A node that starts in `room` (`--room`), with `--nick` when given.
    convenience init(name: String, room: String, nick: String? = nil, connect: [String] = [],
                     dataDir: URL? = nil, logLevel: String? = nil) throws {
        var extra = ["--room", room]
        if let nick { extra += ["--nick", nick] }
        if let logLevel { extra += ["--log-level", logLevel] }
        try self.init(name: name, connect: connect, dataDir: dataDir, extraArguments: extra)
    }

    var nick: String { ready.string("nick") ?? "" }
    var startRoom: String { ready.string("room") ?? "" }

    /// Waits for the first unread `message` event matching `predicate`.
    @discardableResult
    func waitForMessage(timeout: Double = 30, where predicate: ([String: Any]) -> Bool) throws -> [String: Any] {
        try process.waitFor(event: "message", where: predicate, timeout: timeout)
    }

    @discardableResult
    func waitForMessage(content: String, from author: String? = nil, room: String? = nil,
                        timeout: Double = 30) throws -> [String: Any] {
        try waitForMessage(timeout: timeout) {
            $0.string("content") == content && (author == nil || $0.string("from") == author)
                && (room == nil || $0.string("room") == room)
        }
    }

    /// Every `message` event so far (consumed by a wait or not), in order.
    var messageEvents: [[String: Any]] { process.events.filter { $0.string("event") == "message" } }

    /// `message` events carrying `content`.
    func messages(content: String) -> [[String: Any]] { messageEvents.filter { $0.string("content") == content } }

    /// One `/peers` round; the entry for `peer`, if connected.
    func peerEntry(_ peer: String) throws -> [String: Any]? {
        try send("/peers")
        return try waitFor("peers").objects("peers").first { $0.string("peer") == peer }
    }

    /// Asks `/peers` until `condition` holds for `peer`'s entry (nil when not connected). Between rounds it pings
    /// the peer, so every round waits for real network traffic instead of sleeping.
    @discardableResult
    func waitUntilPeer(_ peer: String, timeout: Double = 30, what: String,
                       _ condition: ([String: Any]?) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any]?
        while true {
            last = try peerEntry(peer)
            if condition(last) { return last }
            guard deadline.timeIntervalSinceNow > 0 else {
                throw LineProcess.Failure(description: "\(process.name): \(what) not true within \(timeout) s; "
                    + "last /peers entry: \(last.map(LineProcess.json) ?? "none")\(process.diagnostics())")
            }
            if last != nil {
                try send("/ping \(peer)")
                _ = try process.waitFor(event: "ping", timeout: max(1, deadline.timeIntervalSinceNow))
            } else {
                // Not connected (yet): wait for the connection itself.
                _ = try? process.waitFor(event: "connected", where: { $0.string("peer") == peer },
                                         timeout: max(0.1, min(5, deadline.timeIntervalSinceNow)))
            }
        }
    }

    /// Waits until our `/peers` shows `peer` subscribed to `room`.
    func waitUntilPeer(_ peer: String, inRoom room: String, timeout: Double = 30) throws {
        try waitUntilPeer(peer, timeout: timeout, what: "\(peer) in room \(room)") {
            $0?.strings("rooms").contains(room) == true
        }
    }

    /// Waits until our `/peers` no longer shows `peer` in `room`.
    func waitUntilPeer(_ peer: String, notInRoom room: String, timeout: Double = 30) throws {
        try waitUntilPeer(peer, timeout: timeout, what: "\(peer) out of room \(room)") {
            $0 != nil && $0?.strings("rooms").contains(room) == false
        }
    }

    /// `/rooms`.
    func rooms() throws -> (current: String, rooms: [String]) {
        try send("/rooms")
        let event = try waitFor("rooms")
        return (event.string("current") ?? "", event.strings("rooms"))
    }
}

/// Two p2p-chat nodes both see each other in `room`: each one's subscription reached the other over the
/// other's outbound stream, so flood publishing works both ways (and each has grafted the other).
func waitUntilInRoomTogether(_ a: ChatNode, _ b: ChatNode, _ room: String, timeout: Double = 30) throws {
    try a.waitUntilPeer(b.peer, inRoom: room, timeout: timeout)
    try b.waitUntilPeer(a.peer, inRoom: room, timeout: timeout)
}

extension PyPeer {
    /// `subscribe TOPIC`; py then prints a `message` event for everything it delivers on it.
    func subscribe(_ topic: String) throws {
        try send("subscribe \(topic)")
        try waitFor("subscribed") { $0.string("topic") == topic }
    }

    /// Waits until `peer` is in py's mesh for `topic` (py publishes and forwards only to its mesh).
    @discardableResult
    func waitForMesh(_ topic: String, containing peer: String, timeout: Double = 30) throws -> [String] {
        try send("mesh \(topic) \(peer) \(Int(timeout))")
        return try waitFor("mesh", timeout: timeout + 10) { $0.string("topic") == topic }.strings("peers")
    }

    /// Waits until `peer` is out of py's mesh for `topic` (py handled its PRUNE or unsubscribe).
    @discardableResult
    func waitForMeshLeft(_ topic: String, by peer: String, timeout: Double = 30) throws -> [String] {
        try send("mesh-left \(topic) \(peer) \(Int(timeout))")
        return try waitFor("mesh-left", timeout: timeout + 10) { $0.string("topic") == topic }.strings("peers")
    }

    /// Waits until py has `peer`'s subscription to `topic` (which arrived on the peer's outbound stream).
    @discardableResult
    func waitForSubscription(_ topic: String, of peer: String, timeout: Double = 30) throws -> [String] {
        try send("topic-peers \(topic) \(peer) \(Int(timeout))")
        return try waitFor("topic-peers", timeout: timeout + 10) { $0.string("topic") == topic }.strings("peers")
    }

    /// `publish-chat`: the Go program's chat JSON with py's own PeerID as `from`. Returns the message ID (hex).
    @discardableResult
    func publishChat(_ topic: String, _ content: String) throws -> String {
        try send("publish-chat \(topic) \(content)")
        return try waitFor("published") { $0.string("topic") == topic }.string("id") ?? ""
    }

    /// `publish`: `text` as the data, verbatim. Returns the message ID (hex).
    @discardableResult
    func publish(_ topic: String, raw text: String) throws -> String {
        try send("publish \(topic) \(text)")
        return try waitFor("published") { $0.string("topic") == topic }.string("id") ?? ""
    }

    /// Waits for the message with this ID among py's deliveries.
    @discardableResult
    func waitForMessage(id: String, timeout: Double = 30) throws -> [String: Any] {
        try waitFor("message", timeout: timeout) { $0.string("id") == id }
    }

    /// Waits for a delivered message whose data is chat JSON with this content; returns (event, parsed JSON).
    @discardableResult
    func waitForChat(content: String, timeout: Double = 30) throws -> (event: [String: Any], chat: [String: Any]) {
        let event = try waitFor("message", timeout: timeout) { PyPeer.chat($0)?.string("content") == content }
        return (event, PyPeer.chat(event) ?? [:])
    }

    /// The chat JSON in a py `message` event's data, if it is one.
    static func chat(_ event: [String: Any]) -> [String: Any]? {
        guard let data = event.string("data")?.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// How often py wrote each pubsub message (by hex ID) to `peer`, replays included.
    func sentCounts(to peer: String) throws -> [String: Int] {
        try send("sent \(peer)")
        let event = try waitFor("sent") { $0.string("peer") == peer }
        return (event["messages"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// Waits until py has written message `id` to `peer` (its outbound queue is asynchronous).
    func waitUntilWritten(_ id: String, to peer: String, timeout: Double = 30) throws {
        try send("sent \(peer) \(id) \(Int(timeout))")
        try waitFor("sent", timeout: timeout + 10) { $0.string("peer") == peer }
    }

    /// Waits for `count` more py GossipSub heartbeats (1 s each): time passes without sleeping.
    func waitForHeartbeats(_ count: Int) throws {
        try send("heartbeat \(count)")
        try waitFor("heartbeat", timeout: Double(count) * 5 + 10)
    }

    /// Every `message` event so far, in order.
    var messageEvents: [[String: Any]] { process.events.filter { $0.string("event") == "message" } }
}
