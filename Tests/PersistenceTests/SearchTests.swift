import Foundation
import Testing
@testable import Persistence

@Suite("MessageStore.search: FTS5 over content, user text never parsed as query syntax")
struct SearchTests {
    static let contents = [
        "hello world",                          // 1
        "He said \"hi\" to me",                 // 2
        "a *star* is born",                     // 3
        "NEAR the bridge, AND OR NOT",          // 4
        "café crème",                           // 5
        "party 🎉 tonight",                     // 6
        "日本語 テキスト",                         // 7
        "👍🏽 works",                             // 8
        "column: value (parens) ^caret",        // 9
        "hello again",                          // 10
    ]

    func store() throws -> Store {
        let store = try Store.inMemory()
        try store.messages.insert(batch: Self.contents.enumerated().map { message($0.offset + 1, content: $0.element) })
        return store
    }

    @Test("matches, newest first", arguments: [
        ("hello", ["hello again", "hello world"]),
        ("HEL", ["hello again", "hello world"]),                 // a word is a prefix, any case
        ("hello world", ["hello world"]),                        // every word required
        ("\"hi\"", ["He said \"hi\" to me"]),
        ("said \"hi", ["He said \"hi\" to me"]),                 // an unbalanced quote
        ("*star*", ["a *star* is born"]),
        ("*", []),                                               // only punctuation: no words, no error
        ("NEAR", ["NEAR the bridge, AND OR NOT"]),
        ("NEAR(hello world)", []),
        ("AND", ["NEAR the bridge, AND OR NOT"]),
        ("OR NOT", ["NEAR the bridge, AND OR NOT"]),
        ("cafe", ["café crème"]),
        ("CRÈME", ["café crème"]),
        ("🎉", ["party 🎉 tonight"]),
        ("日本語", ["日本語 テキスト"]),
        ("👍🏽", ["👍🏽 works"]),
        ("column:", ["column: value (parens) ^caret"]),
        ("(parens)", ["column: value (parens) ^caret"]),
        ("^caret", ["column: value (parens) ^caret"]),
        ("content:hello", []),
        ("nothing-like-this", []),
        ("   ", []),
    ])
    func matches(_ query: String, _ expected: [String]) throws {
        #expect(try store().messages.search(query).map(\.content) == expected, "query \(query)")
    }

    @Test("limit and room filter")
    func limitAndRoom() throws {
        let store = try Store.inMemory()
        try store.messages.insert(batch: (1...30).map { message($0, room: $0 <= 10 ? "a" : "b", content: "word \($0)") })
        #expect(try store.messages.search("word", limit: 3).map(\.content) == ["word 30", "word 29", "word 28"])
        #expect(try store.messages.search("word", room: "a", limit: 100).count == 10)
    }

    @Test("the query is quoted word by word")
    func quoting() {
        #expect(MessageStore.ftsQuery("he said \"hi\"") == "\"he\"* \"said\"* \"\"\"hi\"\"\"*")
        #expect(MessageStore.ftsQuery(" \t ") == nil)
    }

    @Test("a commit only queues its row; the indexer (or a search) makes it searchable, in batches")
    func deferredIndexing() throws {
        let store = try Store.inMemory()
        for i in 1...300 { try store.messages.insert(message(i, content: "needle \(i)")) }
        #expect(try store.messages.pendingIndexCount() == 300)
        #expect(try store.messages.indexPending(limit: 100) == 100)
        #expect(try store.messages.pendingIndexCount() == 200)
        #expect(try store.messages.search("needle", limit: 1000).count == 300, "a search indexes the rest first")
        #expect(try store.messages.pendingIndexCount() == 0)
        #expect(try store.messages.indexPending() == 0)
        try store.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")   // throws when the index and the table disagree
    }

    @Test("deleting or editing a row keeps the index exact, indexed or still queued")
    func deleteAndUpdate() throws {
        let store = try Store.inMemory()
        for i in 1...4 { try store.messages.insert(message(i, content: "apple \(i)")) }
        try store.messages.indexPending(limit: 2)   // 1, 2 indexed; 3, 4 queued
        try store.execute("DELETE FROM messages WHERE seq IN (1, 3)")
        try store.execute("UPDATE messages SET content = 'banana 2' WHERE seq = 2")
        try store.execute("UPDATE messages SET content = 'banana 4' WHERE seq = 4")
        #expect(try store.messages.pendingIndexCount() == 1)
        #expect(try store.messages.search("apple").isEmpty)
        #expect(try store.messages.search("banana").map(\.content) == ["banana 4", "banana 2"])
        try store.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")   // throws when the index and the table disagree
    }
}
