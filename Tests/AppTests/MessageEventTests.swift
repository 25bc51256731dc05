import Testing
@testable import App
@testable import Network

/// The headless `message` event, written directly on every delivery: the same line the JSON tree gives.
@Suite("Headless message event")
struct MessageEventTests {
    @Test("the direct writer's line equals the tree's, field order included", arguments: [
        ("hello", "alice", Int64(1_700_000_000)),
        ("\u{1B}[31m\"quoted\"\n日本語", "bob\\", Int64(-5)),
        ("", "", Int64.max),
    ])
    func matchesTree(content: String, nick: String, timestamp: Int64) throws {
        let author = PrivateKey.generate().peerID
        let id = MessageID(bytes: author.bytes + [0, 0, 0, 0, 0, 0, 1, 2])
        let message = ChatMessage(kind: .message, content: content, username: nick, timestamp: timestamp,
                                  from: author.base58)
        let line = ChatLine(room: "room-1", message: message, author: author, id: id, isOwn: false)
        let tree = JSON.object([
            ("event", .string("message")), ("room", .string("room-1")), ("type", .string("message")),
            ("from", .string(author.base58)), ("username", .string(nick)), ("content", .string(content)),
            ("timestamp", .int(Int(timestamp))), ("id", .string(id.description)),
        ])
        #expect(HeadlessSession.messageEvent(line) == tree.renderedBytes)
    }
}
