import Foundation
import Testing
@testable import Persistence

@Suite("MessageStore: dedup, last N, keyset paging, counts")
struct MessageStoreTests {
    @Test("an insert says whether the message is new; a replay is stored once")
    func dedup() throws {
        let store = try Store.inMemory()
        #expect(try store.messages.insert(message(1)))
        #expect(try !store.messages.insert(message(1)))
        var replay = message(1, content: "changed by a replay")
        replay.room = "other"
        #expect(try !store.messages.insert(replay), "the ID decides, not the content or room")
        #expect(try store.messages.count() == 1)
        #expect(try store.messages.last(10, in: "r").map(\.content) == ["message 1"])
        #expect(try store.messages.insert(batch: [message(1), message(2), message(2), message(3)]) == 2)
        #expect(try store.messages.count() == 3)
    }

    @Test("the total count is a trigger-kept counter: exact after inserts, replays, batches and deletes")
    func counter() throws {
        let store = try Store.inMemory()
        #expect(try store.messages.count() == 0)
        for i in 1...5 { #expect(try store.messages.insert(message(i))) }
        #expect(try !store.messages.insert(message(3)), "a replay does not count")
        #expect(try store.messages.insert(batch: [message(5), message(6), message(7)]) == 2)
        #expect(try store.messages.count() == 7)
        try store.execute("DELETE FROM messages WHERE seq <= 2")
        #expect(try store.messages.count() == 5)
        #expect(try store.messages.count() == store.messages.count(room: "r"), "agrees with an index count")
    }

    @Test("a stored record reads back field for field")
    func roundTrip() throws {
        let store = try Store.inMemory()
        let record = MessageRecord(room: "p2p-chat-default", messageID: [0, 1, 2, 255], author: "12D3KooWX",
                                   username: "ünï", content: "héllo \"quoted\" 🎉\n", kind: "join",
                                   sentAt: -5, receivedAt: 42)
        try store.messages.insert(record)
        let back = try #require(try store.messages.last(1, in: "p2p-chat-default").first)
        #expect(back.seq != nil)
        var expected = record
        expected.seq = back.seq
        #expect(back == expected)
    }

    @Test("last N: oldest first, per room, fewer when the room is short, none for an empty room")
    func lastN() throws {
        let store = try Store.inMemory()
        try store.messages.insert(batch: (1...30).map { message($0, room: $0 % 2 == 0 ? "even" : "odd") })
        #expect(try store.messages.last(3, in: "even").map(\.content) == ["message 26", "message 28", "message 30"])
        #expect(try store.messages.last(100, in: "odd").count == 15)
        #expect(try store.messages.last(10, in: "empty").isEmpty)
        #expect(try store.messages.last(0, in: "odd").isEmpty)
        #expect(try store.messages.count(room: "even") == 15)
        #expect(try store.messages.count(room: "empty") == 0)
    }

    @Test("the page before a message walks the whole history back without gaps or repeats")
    func pagingWalk() throws {
        let store = try Store.inMemory()
        // 25 messages, several with the same received_at: the rowid breaks the ties.
        try store.messages.insert(batch: (1...25).map { message($0, at: Int64($0 / 3)) })
        var seen: [String] = []
        var page = try store.messages.last(10, in: "r")
        while let first = page.first {
            seen = page.map(\.content) + seen
            page = try store.messages.page(before: try #require(first.cursor), limit: 10)
        }
        #expect(seen == (1...25).map { "message \($0)" })
    }

    @Test("the page after a message walks the history forward without gaps or repeats; a message by ID")
    func pagingForward() throws {
        let store = try Store.inMemory()
        try store.messages.insert(batch: (1...25).map { message($0, at: Int64($0 / 3)) })
        let all = try store.messages.last(100, in: "r")
        var seen = all.prefix(1).map(\.content)
        var page = [all[0]]
        while let last = page.last {
            page = try store.messages.page(after: try #require(last.cursor), limit: 7)
            seen += page.map(\.content)
        }
        #expect(seen == all.map(\.content))
        #expect(try store.messages.record(messageID: all[3].messageID) == all[3])
        #expect(try store.messages.record(messageID: [9, 9, 9]) == nil)
    }

    @Test("paging edges: first message, exact page boundary, unknown message, empty room")
    func pagingEdges() throws {
        let store = try Store.inMemory()
        try store.messages.insert(batch: (1...20).map { message($0) })
        let all = try store.messages.last(100, in: "r")
        #expect(try store.messages.page(before: all[0].cursor!, limit: 10).isEmpty, "nothing before the first")
        // Exactly 10 before the 11th: one full page, then nothing.
        let tenth = try store.messages.page(before: all[10].cursor!, limit: 10)
        #expect(tenth.map(\.content) == (1...10).map { "message \($0)" })
        #expect(try store.messages.page(before: tenth[0].cursor!, limit: 10).isEmpty)
        #expect(try store.messages.page(beforeMessage: message(11).messageID, limit: 3)?.map(\.content)
                == ["message 8", "message 9", "message 10"])
        #expect(try store.messages.page(beforeMessage: [9, 9, 9], limit: 3) == nil)
        let otherRoom = MessageCursor(room: "empty", receivedAt: .max, seq: .max)
        #expect(try store.messages.page(before: otherRoom, limit: 10).isEmpty)
    }

    @Test("last N and the page before use the (room, received_at) index, with no sort step")
    func pagingPlan() throws {
        let store = try Store.inMemory()
        let plans = try store.strings("""
            EXPLAIN QUERY PLAN SELECT seq FROM messages WHERE room = 'r' AND (received_at, seq) < (5, 5)
            ORDER BY received_at DESC, seq DESC LIMIT 10
            """).joined(separator: "\n")
        #expect(plans.contains("messages_by_room_time"), "\(plans)")
        #expect(!plans.contains("TEMP B-TREE"), "\(plans)")
    }

    @Test("a file store keeps messages across close and reopen, in WAL mode")
    func reopen() throws {
        let dir = temporaryDirectory("reopen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Store.open(directory: dir)
        try first.messages.insert(batch: (1...5).map { message($0) })
        #expect(try first.strings("PRAGMA journal_mode").first?.contains("wal") == true)
        #expect(try first.strings("PRAGMA synchronous").first?.contains("1") == true, "NORMAL = 1")
        first.close()
        let second = try Store.open(directory: dir)
        #expect(try second.messages.count() == 5)
        #expect(try second.messages.last(2, in: "r").map(\.content) == ["message 4", "message 5"])
    }

    @Test("a full database is a typed error (SQLITE_FULL) and the store still reads afterwards")
    func full() throws {
        let store = try Store.inMemory()
        try store.messages.insert(message(0))
        let pages = try #require(Int(try store.strings("PRAGMA page_count").first?.filter(\.isNumber) ?? ""))
        try store.execute("PRAGMA max_page_count = \(pages + 4)")
        var failure: StoreError?
        for i in 1...100 where failure == nil {
            do { try store.messages.insert(message(i, content: String(repeating: "full disk ", count: 400))) } catch let e as StoreError {
                failure = e
            }
        }
        let error = try #require(failure)
        #expect(error.isDiskFull, "\(error)")
        #expect("\(error)".contains("insert message"))
        #expect(try store.messages.last(1, in: "r").count == 1, "reads still work")
    }
}
