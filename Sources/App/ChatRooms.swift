#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Network
import TUI

/// A chat message as the front ends show it: the validated payload plus who signed it and where.
struct ChatLine {
    var room: String
    var message: ChatMessage
    /// The signed author: the only sender identity we trust.
    var author: PeerID
    var id: MessageID
    var isOwn: Bool
}

/// Rooms, nick and the chat protocol over pubsub: a `join` when entering a room, a `leave` when leaving
/// or quitting, text as `message`, each validated by `ChatValidator` before anyone sees it.
///
/// Text goes out through a `SendPacer`: what peers' rate limit would drop (a paste of 60 lines, a script
/// writing fast) waits in a queue and follows in order, instead of being shown here and lost there.
///
///     say ─► queue empty and a token? ─yes─► publish
///                    │ no
///                    └─► queue (≤ maxQueuedLines) ─► timer at the next token ─► publish, in order
///
/// `join` and `leave` never wait: they take a token when there is one and go out at once (a room left
/// while its lines are queued drops them, with a notice). A `join` lingers for `joinLinger`: a peer whose
/// subscription to the room arrives meanwhile is sent it too (the same message, so no one sees it twice), so
/// whoever we meet just after joining — mDNS and the DHT take a moment — still sees that we joined.
final class ChatRooms {
    static let defaultRoom = "p2p-chat-default"
    /// Room names are topic strings; keep them printable and short.
    static let maxRoomNameBytes = 256

    enum RoomError: Error, CustomStringConvertible {
        case badRoomName(String)
        case notJoined(String)
        case alreadyJoined(String)
        case lastRoom
        case badNick(String)
        case tooLong(Int)
        case queueFull(Int)
        case publish(Error)

        var description: String {
            switch self {
            case .badRoomName(let r): return "bad room name \"\(r)\": use 1–\(ChatRooms.maxRoomNameBytes) printable characters"
            case .notJoined(let r): return "not in room \(r)"
            case .alreadyJoined(let r): return "already in room \(r)"
            case .lastRoom: return "cannot leave the last room; /quit to exit"
            case .badNick(let n): return "bad nick \"\(n)\": use 1–\(ChatMessage.maxUsernameBytes) bytes without spaces or control characters"
            case .tooLong(let n): return "message of \(n) bytes is over the \(ChatMessage.maxContentBytes)-byte limit"
            case .queueFull(let n): return "\(n) lines are already waiting to be sent; this one was not queued"
            case .publish(let e): return "could not send: \(e)"
            }
        }
    }

    let pubsub: PubSubService
    let reactor: Reactor
    let me: PeerID
    /// `me` in base58, the JSON `from` of every line we send.
    private let myName: String
    private(set) var nick: String
    private(set) var rooms: [String] = []
    private(set) var current: String
    var validator = ChatValidator()
    /// Payloads validated and about to be delivered, by message ID.
    private var accepted: [MessageID: ChatMessage] = [:]
    /// The message being published right now (see `send`).
    private var outgoing: ChatMessage?
    var onLine: ((ChatLine) -> Void)?

    /// Lines the pacer holds back, oldest first, from `queueHead` on.
    private var queue: [(room: String, text: String)] = []
    private var queueHead = 0
    private var pacer = SendPacer()
    private var pacerTimer: TimerID?
    /// How long our `join` is still sent to peers that arrive in the room (`PubSub.publish(…, lingerFor:)`).
    static let joinLinger: Duration = .seconds(60)
    /// The most lines waiting at once (~9 minutes at the paced rate); more are refused with `queueFull`.
    static let maxQueuedLines = 5_000
    /// A queued line could not be sent (its room was left, or publishing failed).
    var onQueueError: ((String) -> Void)?
    /// The queue has just emptied (quitting waits for this).
    var onQueueDrained: (() -> Void)?

    /// Lines waiting for the pacer.
    var queuedCount: Int { queue.count - queueHead }

    init(pubsub: PubSubService, reactor: Reactor, me: PeerID, nick: String?, room: String) {
        self.pubsub = pubsub
        self.reactor = reactor
        self.me = me
        self.myName = me.base58
        self.nick = nick ?? ChatRooms.defaultNick(for: me)
        self.current = room
        pubsub.engine.validator = { [unowned self] message in self.validate(message) }
        pubsub.onMessage = { [unowned self] message in self.deliver(message) }
    }

    /// `user_NNNN`, the same for a given identity (the Go program picks a new one per run).
    static func defaultNick(for peer: PeerID) -> String {
        let digest = Sodium.sha256(peer.bytes)
        let n = (Int(digest[0]) << 8 | Int(digest[1])) % 10_000
        return "user_" + String(repeating: "0", count: 4 - String(n).count) + String(n)
    }

    /// A room or nick: 1…`maxBytes` UTF-8 bytes, no whitespace, nothing the terminal would interpret.
    static func isValidName(_ name: String, maxBytes: Int) -> Bool {
        !name.isEmpty && name.utf8.count <= maxBytes && TUI.Sanitizer.isClean(name)
            && !name.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    static func isValidRoom(_ name: String) -> Bool { isValidName(name, maxBytes: maxRoomNameBytes) }

    // MARK: Commands

    func join(_ room: String) throws {
        guard Self.isValidRoom(room) else { throw RoomError.badRoomName(room) }
        guard !rooms.contains(room) else { throw RoomError.alreadyJoined(room) }
        rooms.append(room)
        current = room
        pubsub.subscribe(room)
        announce(.join, content: "\(nick) joined", to: room)
    }

    func leave(_ room: String) throws {
        guard rooms.contains(room) else { throw RoomError.notJoined(room) }
        guard rooms.count > 1 else { throw RoomError.lastRoom }
        announce(.leave, content: "\(nick) left", to: room)
        pubsub.unsubscribe(room)
        rooms.removeAll { $0 == room }
        if current == room { current = rooms[rooms.count - 1] }
    }

    /// Makes `room` (already joined) the one text goes to: the full-screen client's window switch.
    func select(_ room: String) throws {
        guard rooms.contains(room) else { throw RoomError.notJoined(room) }
        current = room
    }

    static func isValidNick(_ name: String) -> Bool { isValidName(name, maxBytes: ChatMessage.maxUsernameBytes) }

    func setNick(_ name: String) throws {
        guard Self.isValidNick(name) else { throw RoomError.badNick(name) }
        nick = name
    }

    /// Sends `text` to the current room now, or queues it behind the lines the pacer holds back; true
    /// when it was queued.
    @discardableResult
    func say(_ text: String) throws -> Bool {
        guard text.utf8.count <= ChatMessage.maxContentBytes else { throw RoomError.tooLong(text.utf8.count) }
        if queuedCount == 0, pacer.take(now: reactor.now) {
            try send(.message, content: text, to: current)
            return false
        }
        guard queuedCount < Self.maxQueuedLines else { throw RoomError.queueFull(queuedCount) }
        queue.append((current, text))
        armPacer()
        return true
    }

    /// Quitting (before the host closes, so the frames go out first): a `leave` in every room, then unsubscribing,
    /// whose PRUNEs offer our mesh peers each other (PX), so peers that met only through us stay connected.
    func leaveAll() {
        for room in rooms { announce(.leave, content: "\(nick) left", to: room) }
        for room in rooms { pubsub.unsubscribe(room) }
    }

    /// Forgets the queued lines (a second quit while they were being sent); returns how many.
    @discardableResult
    func dropQueued() -> Int {
        let dropped = queuedCount
        queue.removeAll()
        queueHead = 0
        if let pacerTimer { reactor.cancel(pacerTimer) }
        pacerTimer = nil
        return dropped
    }

    private func armPacer() {
        guard pacerTimer == nil, queuedCount > 0 else { return }
        pacerTimer = reactor.schedule(at: pacer.nextToken(now: reactor.now)) { [unowned self] in
            self.pacerTimer = nil
            self.sendQueued()
        }
    }

    private func sendQueued() {
        var leftRooms: [String: Int] = [:]
        while queuedCount > 0, pacer.take(now: reactor.now) {
            let (room, text) = queue[queueHead]
            queueHead += 1
            guard rooms.contains(room) else { leftRooms[room, default: 0] += 1; continue }
            do { try send(.message, content: text, to: room) } catch { onQueueError?("\(error)") }
        }
        for (room, count) in leftRooms.sorted(by: { $0.key < $1.key }) {
            onQueueError?("\(count) queued line\(count == 1 ? "" : "s") for \(room) not sent: you left the room")
        }
        if queueHead >= 256, queueHead * 2 >= queue.count {   // compact now and then: O(1) per line overall
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        if queuedCount == 0 {
            queue.removeAll()
            queueHead = 0
            onQueueDrained?()
        } else {
            armPacer()
        }
    }

    /// `join` and `leave`: never queued; they take a token when there is one, so text keeps its pace.
    private func announce(_ kind: ChatMessage.Kind, content: String, to room: String) {
        _ = pacer.take(now: reactor.now)
        try? send(kind, content: content, to: room)
    }

    private func send(_ kind: ChatMessage.Kind, content: String, to room: String) throws {
        let message = ChatMessage(kind: kind, content: content, username: nick,
                                  timestamp: Self.unixSeconds(), from: myName)
        outgoing = message   // our own publish is validated synchronously: no need to parse our JSON back
        defer { outgoing = nil }
        do {
            try pubsub.publish(topic: room, data: message.encoded, lingerFor: kind == .join ? Self.joinLinger : nil)
        } catch { throw RoomError.publish(error) }
    }

    /// Wall-clock seconds since 1970 (`time(2)`: no Foundation on the send path).
    static func unixSeconds() -> Int64 { Int64(time(nil)) }

    // MARK: Inbound

    private func validate(_ message: InboundMessage) -> ValidationResult {
        if message.receivedFrom == nil, let own = outgoing {
            accepted[message.id] = own
            return .accept
        }
        let verdict = validator.validate(message.data, author: message.from, isOwn: message.from == me,
                                         now: pubsub.now)
        switch verdict {
        case .accept(let chat):
            if accepted.count >= 1024 { accepted.removeAll() }   // bound: delivery normally follows at once
            accepted[message.id] = chat                            // so the JSON is parsed only once
            return .accept
        case .reject:
            // Only the author is punished. A relay (py-libp2p, say) cannot run our chat rules, so a bad payload
            // it forwards is dropped without lowering its score — else one bad author behind a relay would get
            // the relay pruned from every mesh and its good messages lost.
            return message.receivedFrom == nil || message.receivedFrom == message.from ? .reject : .ignore
        case .ignore: return .ignore
        }
    }

    private func deliver(_ message: InboundMessage) {
        let parsed = accepted.removeValue(forKey: message.id)
        guard rooms.contains(message.topic), let chat = parsed ?? (try? ChatMessage.decode(message.data)) ?? nil else { return }
        onLine?(ChatLine(room: message.topic, message: chat, author: message.from, id: message.id,
                         isOwn: message.from == me))
    }
}
