import Testing
@testable import TUI

@Suite("ChatScreen: whole frames")
struct ChatScreenTests {
    static let now: Int64 = 1_795_525_500

    func state(width: Int, height: Int, theme: Theme = ThemeLoader.defaultTheme) -> ScreenState {
        let history = FakeHistory(count: 30, longEvery: 7)
        let formatter = MessageFormatter(theme: theme, ownNick: "alice", now: ChatScreenTests.now)
        var windows = Windows(rooms: ["r", "dev"])
        windows.noteEntry(in: "dev", mention: true)
        return ScreenState(
            width: width, height: height, theme: theme, windows: windows,
            scrollback: Scrollback(room: "r", source: history, formatter: formatter),
            peers: [SidebarPeer(key: "k1", label: "alice·3fa9", connected: true, isOwn: true),
                    SidebarPeer(key: "k2", label: "bob·77c1", connected: true)],
            status: StatusInfo(ownLabel: "alice·3fa9", roomMembers: 2, connections: 3, discovery: "mDNS"),
            input: InputLine(prompt: "[r] ", text: "hello wor", cursorColumn: 9, indicator: "9/512"))
    }

    /// The frame as text, trailing spaces cut (the terminal layer pads rows with their fill).
    func lines(_ canvas: Canvas) -> [String] {
        canvas.rows.map { text($0).replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
    }

    @Test("80×24 snapshot")
    func snapshot80x24() {
        let canvas = ChatScreen.render(state(width: 80, height: 24))
        #expect(lines(canvas) == [
            "13:05 <p0> message 14 and more words and more words and   │ 2 in room",
            "           more words and more words and more words and   │ ● alice·3fa9",
            "           more words and more words and more words       │ ● bob·77c1",
            "13:05 <p1> message 15                                     │",
            "13:05 <p2> message 16                                     │",
            "13:05 <p3> message 17                                     │",
            "13:05 <p4> message 18                                     │",
            "13:05 <p5> message 19                                     │",
            "13:05 <p6> message 20                                     │",
            "13:05 <p0> message 21 and more words and more words and   │",
            "           more words and more words and more words and   │",
            "           more words and more words and more words       │",
            "13:05 <p1> message 22                                     │",
            "13:05 <p2> message 23                                     │",
            "13:05 <p3> message 24                                     │",
            "13:05 <p4> message 25                                     │",
            "13:05 <p5> message 26                                     │",
            "13:05 <p6> message 27                                     │",
            "13:05 <p0> message 28 and more words and more words and   │",
            "           more words and more words and more words and   │",
            "           more words and more words and more words       │",
            "13:05 <p1> message 29                                     │",
            "[1:r] alice·3fa9 · 2 in room · 3 conn · [2:dev 1 @1] · mDNS",
            "[r] hello wor                                                              9/512",
        ])
        #expect(canvas.cursor?.x == 13 && canvas.cursor?.y == 23)
        #expect(canvas.rows.allSatisfy { $0.width <= 80 })
    }

    @Test("40×10 snapshot: no sidebar, long messages wrap under their text")
    func snapshot40x10() {
        let canvas = ChatScreen.render(state(width: 40, height: 10))
        #expect(lines(canvas) == [
            "13:05 <p5> message 26",
            "13:05 <p6> message 27",
            "13:05 <p0> message 28 and more words and",
            "           more words and more words and",
            "           more words and more words and",
            "           more words and more words and",
            "           more words",
            "13:05 <p1> message 29",
            "[1:r] alice·3fa9 · 2 in room · 3 conn ·",
            "[r] hello wor                      9/512",
        ])
        #expect(canvas.cursor?.x == 13 && canvas.cursor?.y == 9)
    }

    @Test("every size from 0×0 to 200×60 renders a canvas of that size, rows within the width")
    func everySize() {
        let base = state(width: 0, height: 0)
        for width in stride(from: 0, through: 200, by: 1) {
            for height in stride(from: 0, through: 60, by: width < 30 ? 1 : 7) {
                var s = base
                s.width = width; s.height = height
                let canvas = ChatScreen.render(s)
                #expect(canvas.rows.count == height)
                #expect(canvas.rows.allSatisfy { $0.width <= width })
                if let cursor = canvas.cursor { #expect(cursor.x < width && cursor.y < height) }
            }
        }
    }

    @Test("too small: a centred notice, no cursor")
    func tooSmall() {
        let canvas = ChatScreen.render(state(width: 19, height: 5))
        #expect(lines(canvas)[2] == "terminal too small")
        #expect(lines(ChatScreen.render(state(width: 19, height: 4)))[2] == "terminal too small")
        #expect(lines(ChatScreen.render(state(width: 60, height: 3)))[1] == "                     terminal too small")
        #expect(canvas.cursor == nil)
        #expect(lines(ChatScreen.render(state(width: 5, height: 1))) == ["term…"])
        #expect(ChatScreen.render(state(width: 0, height: 0)).rows.isEmpty)
    }
}
