import Foundation
import Testing
@testable import Persistence

/// The reactor's timed commits never wait for another connection's write lock (the checkpoint thread's
/// write ends in a disk flush, which a busy disk stretches to a second): they report "busy" at once and
/// leave the lines journaled; the waiting forms still wait, with the busy timeout unchanged.
@Suite("Write lock held elsewhere: commits that do not wait")
struct WriteLockTests {
    /// A second connection to the store's database holding the write lock (as the checkpoint thread's
    /// restart write does) until `release`.
    final class LockHolder {
        let connection: SQLiteConnection
        init(_ dir: String) throws {
            connection = try SQLiteConnection(path: dir + "/" + Store.fileName)
            try connection.execute("BEGIN IMMEDIATE")
        }
        func release() throws { try connection.execute("COMMIT"); connection.close() }
    }

    @Test("transactionIfFree: nil at once while another connection writes, nothing run; runs once it is free")
    func transactionIfFree() throws {
        try withTemporaryStore("lock-txn") { store, dir in
            let holder = try LockHolder(dir)
            var ran = false
            // The store's busy timeout is 5 s: waiting would end in SQLITE_BUSY thrown, not in nil.
            let result = try store.database.transactionIfFree { ran = true; return 1 }
            #expect(result == nil)
            #expect(!ran)
            try holder.release()
            #expect(try store.database.transactionIfFree { ran = true; return 2 } == 2)
            #expect(ran)
        }
    }

    @Test("flushJournalIfFree leaves the lines journaled (and readable) while locked, commits them after")
    func flushIfFree() throws {
        try withTemporaryStore("lock-flush") { store, dir in
            for i in 1...3 { try store.messages.append(message(i)) }
            let holder = try LockHolder(dir)
            #expect(try store.messages.flushJournalIfFree() == nil)
            #expect(store.messages.journaledRecords.count == 3)
            #expect(!MessageJournalTests.journalIsEmpty(dir), "still on disk for a crash")
            try holder.release()
            #expect(try store.messages.flushJournalIfFree() == 3)
            #expect(store.messages.journaledRecords.isEmpty && MessageJournalTests.journalIsEmpty(dir))
            #expect(try store.messages.count() == 3)
            #expect(try store.messages.flushJournalIfFree() == 0, "nothing left: not busy, nothing done")
        }
    }

    @Test("past flushThreshold, appends keep journaling while locked instead of waiting; then commit themselves")
    func appendPastThresholdWhileLocked() throws {
        try withTemporaryStore("lock-append") { store, dir in
            let holder = try LockHolder(dir)
            let n = MessageJournal.flushThreshold + 10
            for i in 1...n { try store.messages.append(message(i)) }
            #expect(store.messages.journaledRecords.count == n, "held, not committed, not lost")
            try holder.release()
            try store.messages.append(message(n + 1))   // over the threshold and the lock free: commits
            #expect(store.messages.journaledRecords.isEmpty)
            #expect(try store.messages.count() == n + 1)
            #expect(MessageJournal.flushLimit > MessageJournal.flushThreshold)
        }
    }

    @Test("indexPendingIfFree: nil while locked, the lines indexed once free")
    func indexIfFree() throws {
        try withTemporaryStore("lock-index") { store, dir in
            for i in 1...5 { try store.messages.insert(message(i)) }
            let holder = try LockHolder(dir)
            #expect(try store.messages.indexPendingIfFree(limit: 256) == nil)
            try holder.release()
            #expect(try store.messages.indexPendingIfFree(limit: 256) == 5)
            #expect(try store.messages.pendingIndexCount() == 0)
        }
    }
}
