import Foundation
import Testing
@testable import Persistence

/// The journal of shown lines (`MessageJournal`): appended lines are readable at once, committed in
/// batches, and recovered after a crash — a torn or damaged tail dropped, nothing stored twice.
@Suite("MessageJournal: append, flush, crash recovery, torn tails")
struct MessageJournalTests {
    static func journalPath(_ dir: String) -> String { dir + "/" + Store.fileName + Store.journalSuffix }

    static func fileBytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    /// No record (and nothing damaged) before the journal's end marker.
    static func journalIsEmpty(_ dir: String) -> Bool {
        let (records, dropped) = MessageJournal.decode(fileBytes(journalPath(dir)))
        return records.isEmpty && dropped == 0
    }

    static func fileSize(_ dir: String) -> Int { fileBytes(journalPath(dir)).count }

    @Test("CRC-32 is zlib's (the check value of \"123456789\")")
    func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("a record encodes and decodes field for field: Unicode, empty fields, 16 KiB, negative times")
    func roundTrip() {
        let records = [
            MessageRecord(room: "r", messageID: [0, 1, 255], author: "12D3KooWX", username: "ünï",
                          content: "héllo \"quoted\" 🎉\n", kind: "join", sentAt: -5, receivedAt: 42),
            MessageRecord(room: "", messageID: [], author: "", username: "", content: "", kind: "", sentAt: 0, receivedAt: 0),
            message(7, content: String(repeating: "x", count: 16 * 1024)),
        ]
        var bytes: [UInt8] = []
        for r in records { MessageJournal.encode(r, into: &bytes) }
        let (decoded, dropped) = MessageJournal.decode(bytes)
        #expect(decoded == records)
        #expect(dropped == 0)
    }

    @Test("appended lines are journaled, seen by every read, and committed by the read in one go")
    func appendThenRead() throws {
        try withTemporaryStore("journal-read") { store, dir in
            for i in 1...3 { try store.messages.append(message(i)) }
            #expect(store.messages.journaledRecords.map(\.content) == ["message 1", "message 2", "message 3"])
            #expect(MessageJournal.decode(Self.fileBytes(Self.journalPath(dir))).records.count == 3,
                    "on disk before any commit")
            #expect(try store.messages.last(10, in: "r").map(\.content) == ["message 1", "message 2", "message 3"])
            #expect(store.messages.journaledRecords.isEmpty && Self.journalIsEmpty(dir))
            #expect(try store.messages.count() == 3)
            #expect(try store.messages.search("message").count == 3, "search sees journaled lines too")
        }
    }

    @Test("flushJournal commits in one batch, skips replays, and empties the file")
    func flush() throws {
        try withTemporaryStore("journal-flush") { store, dir in
            try store.messages.insert(message(1))
            for i in 1...4 { try store.messages.append(message(i)) }   // message 1 again: a replay
            #expect(try store.messages.flushJournal() == 4)
            #expect(try store.messages.flushJournal() == 0)
            #expect(try store.messages.count() == 4)
            #expect(Self.journalIsEmpty(dir))
        }
    }

    @Test("at flushThreshold lines the journal commits itself: it stays bounded without a timer")
    func threshold() throws {
        try withTemporaryStore("journal-threshold") { store, dir in
            for i in 1..<MessageJournal.flushThreshold { try store.messages.append(message(i)) }
            #expect(store.messages.journaledRecords.count == MessageJournal.flushThreshold - 1)
            try store.messages.append(message(MessageJournal.flushThreshold))
            #expect(store.messages.journaledRecords.isEmpty)
            #expect(try store.messages.count() == MessageJournal.flushThreshold)
        }
    }

    /// A store that is dropped without `close` stands in for a killed process: what it journaled is
    /// only in the file.
    func crashedStore(_ dir: String, lines: ClosedRange<Int>) throws {
        let store = try Store(path: dir + "/" + Store.fileName)
        for i in lines { try store.messages.append(message(i)) }
        #expect(store.messages.journaledRecords.count == lines.count)
    }

    @Test("after a crash the next open commits the journaled lines, in order, and empties the file")
    func recovery() throws {
        let dir = temporaryDirectory("journal-recovery")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try crashedStore(dir, lines: 1...5)
        let store = try Store(path: dir + "/" + Store.fileName)
        defer { store.close() }
        #expect(store.recoveredFromJournal == (5, 0))
        #expect(try store.messages.last(10, in: "r").map(\.content) == (1...5).map { "message \($0)" })
        #expect(Self.journalIsEmpty(dir))
    }

    @Test("a crash between commit and truncation replays lines already stored: none is stored twice")
    func replayIsIdempotent() throws {
        let dir = temporaryDirectory("journal-idempotent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var journal: [UInt8] = []
        for i in 1...3 { MessageJournal.encode(message(i), into: &journal) }
        do {
            let store = try Store(path: dir + "/" + Store.fileName)
            try store.messages.insert(batch: (1...3).map { message($0) })
            store.close()
        }
        FileManager.default.createFile(atPath: Self.journalPath(dir), contents: Data(journal))
        let store = try Store(path: dir + "/" + Store.fileName)
        defer { store.close() }
        #expect(store.recoveredFromJournal.lines == 3)
        #expect(try store.messages.count() == 3)
    }

    @Test("a torn last record (a crash inside write) is dropped; the whole ones before it are kept")
    func tornTail() throws {
        let dir = temporaryDirectory("journal-torn")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try crashedStore(dir, lines: 1...3)
        var partial: [UInt8] = []
        MessageJournal.encode(message(4), into: &partial)
        let torn = Array(partial.prefix(partial.count / 2))
        let recordsEnd = MessageJournal.decode(Self.fileBytes(Self.journalPath(dir))).records
            .reduce(0) { total, record in var b: [UInt8] = []; MessageJournal.encode(record, into: &b); return total + b.count }
        let handle = FileHandle(forWritingAtPath: Self.journalPath(dir))!
        handle.seek(toFileOffset: UInt64(recordsEnd))   // where the next record would have gone
        handle.write(Data(torn))
        handle.closeFile()
        let store = try Store(path: dir + "/" + Store.fileName)
        defer { store.close() }
        #expect(store.recoveredFromJournal == (3, partial.count), "the torn record's whole length is dropped")
        #expect(try store.messages.count() == 3)
        #expect(Self.journalIsEmpty(dir))
    }

    @Test("a damaged record fails its CRC: reading stops there, the records before it are kept")
    func damagedRecord() throws {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for i in 1...3 {
            MessageJournal.encode(message(i), into: &bytes)
            ends.append(bytes.count)
        }
        bytes[ends[0] + MessageJournal.headerBytes + 20] ^= 0x40   // inside record 2's body
        let (records, dropped) = MessageJournal.decode(bytes)
        #expect(records.map(\.content) == ["message 1"])
        #expect(dropped == ends[1] - ends[0], "the damaged record; record 3 after it is not read")
    }

    @Test("a length over maxRecordBytes is not believed (no huge allocation): the tail is dropped")
    func oversizedLength() {
        var bytes: [UInt8] = []
        MessageJournal.encode(message(1), into: &bytes)
        let good = bytes.count
        bytes += [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0] + [UInt8](repeating: 1, count: 32)
        let (records, dropped) = MessageJournal.decode(bytes)
        #expect(records.count == 1)
        #expect(dropped == bytes.count - good)
    }

    @Test("an in-memory store has no journal: append inserts at once")
    func inMemory() throws {
        let store = try Store.inMemory()
        try store.messages.append(message(1))
        #expect(store.messages.journaledRecords.isEmpty)
        #expect(try store.messages.count() == 1)
    }

    @Test("the journal file is private (0600), like the database")
    func privateFile() throws {
        try withTemporaryStore("journal-mode") { store, dir in
            let attributes = try FileManager.default.attributesOfItem(atPath: Self.journalPath(dir))
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test("the file is written once at its preallocated size: appends and flushes overwrite, never grow it")
    func preallocated() throws {
        try withTemporaryStore("journal-prealloc") { store, dir in
            #expect(Self.fileSize(dir) == MessageJournal.preallocatedBytes)
            for i in 1...10 { try store.messages.append(message(i)) }
            #expect(Self.fileSize(dir) == MessageJournal.preallocatedBytes)
            #expect(MessageJournal.decode(Self.fileBytes(Self.journalPath(dir))).records.count == 10)
            #expect(try store.messages.flushJournal() == 10)
            #expect(Self.fileSize(dir) == MessageJournal.preallocatedBytes)
            #expect(Self.journalIsEmpty(dir))
        }
    }

    @Test("after a flush, the earlier batch's records left in the file are never replayed")
    func staleRecordsUnread() throws {
        let dir = temporaryDirectory("journal-stale")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let store = try Store(path: dir + "/" + Store.fileName)
            for i in 1...5 { try store.messages.append(message(i, content: "a longer line, number \(i)")) }
            #expect(try store.messages.flushJournal() == 5)
            try store.messages.append(message(6))   // shorter than record 1: record 2's bytes follow its end
            // dropped without close: a crash
        }
        let store = try Store(path: dir + "/" + Store.fileName)
        defer { store.close() }
        #expect(store.recoveredFromJournal == (1, 0))
        #expect(try store.messages.count() == 6)
    }

    @Test("a batch larger than the preallocation grows the file and is recovered whole")
    func growsForLongLines() throws {
        let dir = temporaryDirectory("journal-grow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = String(repeating: "y", count: 16 * 1024)
        let count = MessageJournal.preallocatedBytes / long.utf8.count + 4
        #expect(count < MessageJournal.flushThreshold)
        do {
            let store = try Store(path: dir + "/" + Store.fileName)
            for i in 1...count { try store.messages.append(message(i, content: long)) }
            #expect(Self.fileSize(dir) > MessageJournal.preallocatedBytes)
        }
        let store = try Store(path: dir + "/" + Store.fileName)
        defer { store.close() }
        #expect(store.recoveredFromJournal == (count, 0))
        #expect(try store.messages.count() == count)
    }

    @Test("mapped or written with pwrite, the same file comes back after a crash, and a flush empties it",
          arguments: [true, false])
    func mappedAndNot(mapping: Bool) throws {
        let dir = temporaryDirectory("journal-map-\(mapping)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/journal"
        do {
            let journal = try MessageJournal(path: path, mapping: mapping)
            try journal.reset()
            if !mapping { #expect(!journal.isMapped) }
            let fd = open(dir, O_RDONLY)
            defer { close(fd) }
            if mapping, MessageJournal.fileSystemType(fd) == 0xEF53 { #expect(journal.isMapped, "ext4 is mapped") }
            for i in 1...3 { try journal.append(message(i)) }
            try journal.reset()
            for i in 4...6 { try journal.append(message(i, content: "line \(i)")) }
            // dropped without a flush: a crash
        }
        let reopened = try MessageJournal(path: path, mapping: mapping)
        let (records, dropped) = try reopened.recover()
        #expect(records.map(\.content) == ["line 4", "line 5", "line 6"])
        #expect(dropped == 0)
        #expect(Self.fileBytes(path).count == MessageJournal.preallocatedBytes)
    }
}
