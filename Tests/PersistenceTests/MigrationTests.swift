import Foundation
import Testing
@testable import Persistence

@Suite("Migrations: from empty and from every earlier version")
struct MigrationTests {
    @Test("an empty database gets every migration, in order")
    func fromEmpty() throws {
        let store = try Store.inMemory()
        #expect(try store.appliedMigrations() == Migrations.identifiers)
        #expect(Set(Migrations.identifiers).count == Migrations.identifiers.count, "identifiers are unique")
        #expect(try store.strings("SELECT identifier FROM grdb_migrations ORDER BY rowid") == Migrations.identifiers,
                "listed where GRDB's migrator listed them")
    }

    /// Rows a database at version `index` can hold, written with that version's SQL.
    func fill(_ store: Store, upTo index: Int) throws {
        try store.execute("""
            INSERT INTO messages (room, message_id, author, username, content, kind, sent_at, received_at)
            VALUES ('old', x'0102', '12D3KooWOld', 'olduser', 'stored before the upgrade', 'message', 1, 1000)
            """)
        if index >= 1 {
            try store.execute("INSERT INTO rooms (name, joined, read_seq, updated_at) VALUES ('old', 1, 1, 5)")
            try store.execute("INSERT INTO settings (key, value) VALUES ('nick', 'oldnick')")
        }
        if index >= 2 {
            try store.execute("""
                INSERT INTO peers (peer_id, addresses, agent, last_seen) VALUES ('12D3KooWOld', '["/ip4/1.2.3.4/tcp/1"]', 'old', 7)
                """)
        }
    }

    @Test("upgrading from each earlier version keeps the data and makes it searchable",
          arguments: Array(Migrations.identifiers.indices.dropLast()))
    func fromEarlier(_ index: Int) throws {
        let dir = temporaryDirectory("migrate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/chat.sqlite"
        let old = try Store(path: path, durability: .normal, lock: nil, migratedUpTo: Migrations.identifiers[index])
        #expect(try old.appliedMigrations() == Array(Migrations.identifiers[...index]))
        try fill(old, upTo: index)
        old.close()

        let store = try Store(path: path)
        #expect(try store.appliedMigrations() == Migrations.identifiers)
        #expect(try store.messages.last(10, in: "old").map(\.content) == ["stored before the upgrade"])
        #expect(try store.messages.search("upgrade").map(\.content) == ["stored before the upgrade"],
                "v4 indexes the rows already there")
        if index >= 1 {
            #expect(try store.rooms.joined() == ["old"])
            #expect(try store.settings.value(.nick) == "oldnick")
        }
        if index >= 2 { #expect(try store.peers.peer("12D3KooWOld")?.addresses == ["/ip4/1.2.3.4/tcp/1"]) }
        // And the current schema works on top of the old rows.
        #expect(try store.messages.insert(message(1, room: "old")))
        #expect(try store.messages.count() == 2)
    }

    @Test("a database migrated by a newer build is refused, not modified")
    func newer() throws {
        let dir = temporaryDirectory("newer")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/chat.sqlite"
        let store = try Store(path: path)
        try store.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
        store.close()
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["v99-future"])) { try Store(path: path) }
    }

    /// `Tests/Fixtures/grdb-7.10-store.sqlite` was written by p2p-chat when the store was built on GRDB 7.10
    /// (headless: `/nick fixture`, a line, `/join second-room`, a line, `/quit`). A data directory from those
    /// versions must open here unchanged: same migrations table, same rows, searchable, writable.
    @Test("a store written by the GRDB-based versions opens with its history, rooms and nick")
    func storeWrittenWithGRDB() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/grdb-7.10-store.sqlite")
        let dir = temporaryDirectory("grdb")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + Store.fileName
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)

        let store = try Store(path: path)
        #expect(try store.appliedMigrations() == Migrations.identifiers)
        #expect(try store.messages.count() == 6)
        #expect(try store.messages.last(10, in: "fixture-room").map(\.content)
                == ["user_6197 joined", "hello from the GRDB era", "fixture left"])
        #expect(try store.messages.last(10, in: "second-room").map(\.kind) == ["join", "message", "leave"])
        #expect(try store.messages.search("grdb").map(\.content) == ["hello from the GRDB era"])
        #expect(try store.settings.value(.nick) == "fixture")
        #expect(Set(try store.rooms.joined()) == ["fixture-room", "second-room"])
        #expect(try store.messages.insert(message(1, room: "fixture-room")))
        store.close()
        #expect(try Store(path: path).messages.count() == 7)
    }
}
