import Testing
@testable import TUI

@Suite("ChatView: windows with their scrollbacks")
struct ChatViewTests {
    final class Rooms: HistorySource {
        var rooms: [String: FakeHistory] = ["general": FakeHistory(count: 5, room: "general"), "dev": FakeHistory(count: 3, room: "dev")]
        func page(room: String, before: ChatEntry.ID?, limit: Int) -> [ChatEntry] { rooms[room]!.page(room: room, before: before, limit: limit) }
        func page(room: String, after: ChatEntry.ID?, limit: Int) -> [ChatEntry] { rooms[room]!.page(room: room, after: after, limit: limit) }
        func arrive(_ room: String, mention: Bool = false, own: Bool = false) -> ChatEntry {
            let history = rooms[room]!
            var entry = history.entry(history.count)
            entry.mentionsMe = mention
            entry.isOwn = own
            history.count += 1
            return entry
        }
    }

    /// Rooms general (5 entries, shown, 40×10) and dev (3).
    func makeView() -> (Rooms, ChatView) {
        let rooms = Rooms()
        let view = ChatView(source: rooms, formatter: ScrollbackTests.formatter, rooms: ["general", "dev"])
        view.current!.resize(width: 40, height: 10)
        _ = view.current!.visibleRows()
        return (rooms, view)
    }

    @Test("entries go to their room; hidden rooms count unread and mentions; the bell rings for mentions only")
    func receive() {
        let (rooms, view) = makeView()
        #expect(!view.receive(rooms.arrive("general")))
        #expect(view.receive(rooms.arrive("dev", mention: true)))
        #expect(!view.receive(rooms.arrive("dev", mention: true, own: true)))
        #expect(!view.receive(ChatEntry(id: "x", room: "nowhere", text: "?", timestamp: 0)))
        #expect(view.windows.windows.map(\.unread) == [0, 1])
        #expect(view.windows.windows.map(\.mentions) == [0, 1])
        #expect(view.current!.visibleRows().map(text).last!.contains("message 5"))
    }

    @Test("leaving a window marks it read: coming back shows the unread marker before the news")
    func unreadMarkerOnReturn() {
        let (rooms, view) = makeView()
        view.selectNext()
        #expect(view.windows.currentRoom == "dev")
        view.receive(rooms.arrive("general"))
        view.select(number: 1)
        let rows = view.current!.visibleRows().map(text)
        let marker = rows.firstIndex { $0.contains("─ new ─") }!
        #expect(rows[marker + 1].contains("message 5"))
        view.selectPrevious()
        #expect(view.windows.currentRoom == "dev")
        view.close("dev")
        #expect(view.scrollback(for: "dev") == nil)
        #expect(view.windows.currentRoom == "general")
        #expect(view.open("ops", show: true) == 1)
        #expect(view.current?.room == "ops")
    }
}
