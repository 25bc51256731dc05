import Foundation
import Testing
@testable import App
@testable import Network
@testable import Persistence

/// History's timed work (`settle`, `indexForSearch`) runs on the reactor thread and must not wait for the
/// checkpoint thread's write lock: with the lock held it reports "busy", keeps every line, and does not
/// fail over to memory; once the lock is free the same calls commit and index everything.
@Suite("History: timed commits when the write lock is held")
struct HistoryBusyTests {
    static func line(_ n: Int, author: PeerID) -> ChatLine {
        let id = MessageID(bytes: author.bytes + withUnsafeBytes(of: UInt64(n).bigEndian) { Array($0) })
        let message = ChatMessage(kind: .message, content: "line \(n)", username: "alice", timestamp: 1_700_000_000,
                                  from: author.base58)
        return ChatLine(room: "room", message: message, author: author, id: id, isOwn: false)
    }

    @Test("busy: lines stay journaled and readable, no failover; free: committed and indexed")
    func busyThenFree() throws {
        let dir = NSTemporaryDirectory() + "history-busy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store.open(directory: dir)
        let history = History(store: store)
        defer { history.close() }
        var errors: [String] = []
        history.onError = { errors.append($0) }
        let author = PrivateKey.generate().peerID
        for n in 1...3 { history.record(Self.line(n, author: author)) }

        let other = try SQLiteConnection(path: dir + "/" + Store.fileName)
        try other.execute("BEGIN IMMEDIATE")   // as the checkpoint thread's restart write holds it
        #expect(history.settle() == false)
        #expect(history.indexForSearch() == .busy)
        #expect(store.messages.journaledRecords.count == 3, "kept in the journal, on disk")
        #expect(errors.isEmpty, "busy is not a failure: no failover to memory")
        try other.execute("COMMIT")
        other.close()

        #expect(history.settle())
        #expect(store.messages.journaledRecords.isEmpty)
        #expect(try store.messages.count() == 3)
        #expect(history.indexForSearch() == .done)
        #expect(try store.messages.pendingIndexCount() == 0)
        #expect(try history.last(10, in: "room").map(\.content) == ["line 1", "line 2", "line 3"])
    }
}
