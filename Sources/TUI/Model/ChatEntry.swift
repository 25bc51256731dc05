/// One displayed line of a room as plain data. The App converts store records and network events to these;
/// text and labels are raw peer strings (the views sanitise them).
public struct ChatEntry: Hashable, Sendable, Identifiable {
    public typealias ID = String

    public enum Kind: Hashable, Sendable {
        /// A chat message.
        case message
        /// `/me waves`: shown as `* nick waves`.
        case action
        case join
        case leave
        /// Our own notices (command output), shown as system lines.
        case info
        case error
    }

    /// Stable and unique within the room (the store's message ID).
    public var id: ID
    public var room: String
    public var kind: Kind
    /// The author's PeerID text: picks the nick colour, so another peer using the same nick looks different.
    public var authorKey: String
    /// How the author is shown, e.g. `alice·3fa9`.
    public var authorLabel: String
    public var text: String
    /// Unix seconds.
    public var timestamp: Int64
    public var isOwn: Bool
    /// Set by the App (`MessageFormatter.mentions(nick:in:)` when the entry arrived): the time is highlighted.
    public var mentionsMe: Bool

    public init(id: ID, room: String, kind: Kind = .message, authorKey: String = "", authorLabel: String = "",
                text: String, timestamp: Int64, isOwn: Bool = false, mentionsMe: Bool = false) {
        self.id = id; self.room = room; self.kind = kind; self.authorKey = authorKey; self.authorLabel = authorLabel
        self.text = text; self.timestamp = timestamp; self.isOwn = isOwn; self.mentionsMe = mentionsMe
    }
}
