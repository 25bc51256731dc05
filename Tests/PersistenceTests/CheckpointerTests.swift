import Foundation
import Testing
@testable import Persistence

@Suite("Background checkpoints: the WAL reaches the database file off the caller's thread")
struct CheckpointerTests {
    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test("committed pages are copied into chat.sqlite by the checkpoint thread; close stops it")
    func copiesTheWALBack() throws {
        let dir = temporaryDirectory("checkpointer")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store.open(directory: dir)
        try store.setAutomaticCheckpoints(false)
        let path = dir + "/" + Store.fileName
        let before = fileSize(path)
        _ = try store.messages.insert(batch: (0..<2_000).map { message($0) })
        #expect(fileSize(path) == before, "with automatic checkpoints off, commits stay in the WAL")

        try store.startBackgroundCheckpoints(every: .milliseconds(5))
        #expect(store.waitForBackgroundCheckpoints(2, timeout: 30), "two checkpoints ran")
        #expect(fileSize(path) > before, "the database file holds the messages now")
        #expect(store.backgroundCheckpoints.failed == 0)
        #expect(try store.messages.count() == 2_000)
        store.close()

        let reopened = try Store.open(directory: dir)
        #expect(try reopened.messages.count() == 2_000)
        reopened.close()
    }

    @Test("an in-memory store has no checkpoint thread")
    func inMemory() throws {
        let store = try Store.inMemory()
        try store.startBackgroundCheckpoints(every: .milliseconds(5))
        #expect(!store.waitForBackgroundCheckpoints(1, timeout: 0.05))
        #expect(store.backgroundCheckpoints == (0, 0))
    }

    @Test("a complete checkpoint is followed by the write that starts the WAL over; an idle WAL is left alone")
    func restartsTheWAL() throws {
        try withTemporaryStore("restart") { store, _ in
            try store.setAutomaticCheckpoints(false)
            _ = try store.messages.insert(batch: (0..<50).map { message($0) })
            for i in 50..<60 { try store.messages.insert(message(i)) }
            func walFrames() throws -> Int {
                try store.database.checkpointPassive().walFrames
            }
            #expect(try walFrames() > Checkpointer.restartWriteFrames)
            try Checkpointer.checkpoint(store.database)
            #expect(try walFrames() == Checkpointer.restartWriteFrames,
                    "the WAL started over with the checkpointer's own write, so no message commit pays for the rewind")
            try Checkpointer.checkpoint(store.database)
            #expect(try walFrames() == Checkpointer.restartWriteFrames, "nothing new: no further write")
            try store.messages.insert(message(60))
            #expect(try store.messages.count() == 61)
        }
    }
}
