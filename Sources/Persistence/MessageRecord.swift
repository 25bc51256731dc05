/// One chat message as stored: plain values only (Persistence does not know the Network types).
public struct MessageRecord: Equatable, Sendable {
    /// The row's rowid, in insertion order; `nil` until stored.
    public var seq: Int64?
    public var room: String
    /// The pubsub message ID (author ‖ seqno): unique, so a replayed message is stored once.
    public var messageID: [UInt8]
    /// The signed author's PeerID (base58).
    public var author: String
    public var username: String
    public var content: String
    /// `message`, `join` or `leave`.
    public var kind: String
    /// The sender's JSON `timestamp` (Unix seconds, as claimed by the sender).
    public var sentAt: Int64
    /// When we stored it (Unix milliseconds, our clock): the history order.
    public var receivedAt: Int64

    public init(seq: Int64? = nil, room: String, messageID: [UInt8], author: String, username: String,
                content: String, kind: String, sentAt: Int64, receivedAt: Int64) {
        self.seq = seq
        self.room = room
        self.messageID = messageID
        self.author = author
        self.username = username
        self.content = content
        self.kind = kind
        self.sentAt = sentAt
        self.receivedAt = receivedAt
    }

    /// Where this message sits in its room's history, for `MessageStore.page(before:)`.
    public var cursor: MessageCursor? {
        seq.map { MessageCursor(room: room, receivedAt: receivedAt, seq: $0) }
    }
}

/// A position in one room's history: keyset pagination on (received_at, seq).
public struct MessageCursor: Equatable, Hashable, Sendable {
    public var room: String
    public var receivedAt: Int64
    public var seq: Int64

    public init(room: String, receivedAt: Int64, seq: Int64) {
        self.room = room
        self.receivedAt = receivedAt
        self.seq = seq
    }
}
