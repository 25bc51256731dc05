import Network
import Persistence
import Testing
@testable import App

/// The store as the scrollback's `HistorySource`, and stored messages as `ChatEntry`s.
@Suite("ScreenEntries: entries and pages from the store")
struct ScreenEntriesTests {
    let me = PeerID(publicKey: PrivateKey.generate().publicKey)
    let other = PeerID(publicKey: PrivateKey.generate().publicKey)

    func filled(_ count: Int, room: String = "r") throws -> (ScreenEntries, History, [MessageRecord]) {
        let history = History(store: try Store.inMemory())
        var records: [MessageRecord] = []
        for i in 1...count {
            let mine = i % 2 == 0
            let id: [UInt8] = [UInt8(i >> 8), UInt8(i & 255)]
            let author: String = mine ? me.base58 : other.base58
            let content: String = i == 3 ? "/me waves" : "line \(i)"
            records.append(MessageRecord(room: room, messageID: id, author: author, username: mine ? "me" : "bob",
                                         content: content, kind: i == 1 ? "join" : "message",
                                         sentAt: Int64(i), receivedAt: Int64(i)))
        }
        _ = try history.store.messages.insert(batch: records)
        return (ScreenEntries(history: history, me: me, ownNick: "me"), history, try history.store.messages.last(count, in: room))
    }

    @Test("pages before and after an entry walk the room both ways without gaps")
    func paging() throws {
        let (entries, _, stored) = try filled(25)
        let newest = entries.page(room: "r", before: nil, limit: 10)
        #expect(newest.map(\.id) == stored.suffix(10).map { $0.messageID.hex })
        var backward = newest
        var page = newest
        while let first = page.first {
            page = entries.page(room: "r", before: first.id, limit: 7)
            backward = page + backward
        }
        #expect(backward.map(\.id) == stored.map { $0.messageID.hex })
        let forward = entries.page(room: "r", after: stored[4].messageID.hex, limit: 3)
        #expect(forward.map(\.id) == stored[5...7].map { $0.messageID.hex })
        #expect(entries.page(room: "r", after: nil, limit: 2).map(\.id) == stored.prefix(2).map { $0.messageID.hex })
        #expect(entries.page(room: "r", before: "not-hex", limit: 5).isEmpty)
    }

    @Test("kinds, actions, own lines, labels and mentions")
    func conversion() throws {
        let (entries, _, stored) = try filled(4)
        let converted = stored.map(entries.entry)
        #expect(converted[0].kind == .join)
        #expect(converted[2].kind == .action && converted[2].text == "waves")
        #expect(converted[1].isOwn && !converted[2].isOwn)
        #expect(converted[2].authorLabel == "bob·" + other.base58.suffix(4))
        entries.ownNick = "line"
        #expect(entries.entry(stored[3]).mentionsMe == false, "our own line never mentions us")
        #expect(entries.entry(MessageRecord(room: "r", messageID: [9], author: other.base58, username: "bob",
                                            content: "hey line, look", kind: "message", sentAt: 1, receivedAt: 99)).mentionsMe)
    }

    @Test("a notice pages from the stored entry it followed")
    func notices() throws {
        let (entries, _, stored) = try filled(6)
        _ = entries.page(room: "r", before: nil, limit: 200)   // the newest stored entry is known now
        let notice = entries.notice("hello", kind: .info, room: "r")
        #expect(notice.id.hasPrefix("~"))
        let before = entries.page(room: "r", before: notice.id, limit: 3)
        #expect(before.map(\.id) == stored.suffix(3).map { $0.messageID.hex })
        #expect(entries.page(room: "r", after: notice.id, limit: 3).isEmpty)
    }

    @Test("the unread marker follows the entry before the first unread line of someone else")
    func readMarker() throws {
        let (entries, history, stored) = try filled(6)
        #expect(entries.readMarkerEntry(room: "r") == nil, "never read: the first unread line starts the page")
        try history.store.rooms.markRead("r", upTo: try #require(stored[3].seq))
        #expect(entries.readMarkerEntry(room: "r") == stored[3].messageID.hex, "line 5 (bob's) is the first unread")
        history.markAllRead("r")
        #expect(entries.readMarkerEntry(room: "r") == nil)
    }
}
