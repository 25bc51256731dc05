import Testing
@testable import TUI

@Suite("Windows: rooms as numbered windows with unread and mention counts")
struct WindowsTests {
    @Test("switching by number, next and previous (wrapping); out of range does nothing")
    func switching() {
        var windows = Windows(rooms: ["general", "dev", "ops"])
        #expect(windows.currentRoom == "general")
        let selected = windows.select(number: 3)
        #expect(selected)
        #expect(windows.currentRoom == "ops")
        windows.selectNext()
        #expect(windows.currentRoom == "general")
        windows.selectPrevious()
        #expect(windows.currentRoom == "ops")
        let (four, zero) = (windows.select(number: 4), windows.select(number: 0))
        #expect(!four && !zero)
        #expect(windows.currentRoom == "ops")
        let dev = windows.open("dev")
        #expect(dev == 1)   // already open
        #expect(windows.windows.count == 3)
    }

    @Test("unread and mention counts for hidden windows, reset when shown; activity order")
    func counts() {
        var windows = Windows(rooms: ["general", "dev", "ops", "misc"])
        windows.noteEntry(in: "general", mention: true)   // shown: not counted
        windows.noteEntry(in: "dev", mention: false)
        windows.noteEntry(in: "misc", mention: false)
        windows.noteEntry(in: "ops", mention: true)
        windows.noteEntry(in: "ops", mention: false)
        windows.noteEntry(in: "nowhere", mention: true)
        #expect(windows.windows.map(\.unread) == [0, 1, 2, 1])
        #expect(windows.windows.map(\.mentions) == [0, 0, 1, 0])
        #expect(windows.activity == [2, 3, 1])   // mentions first, then most recent
        windows.select(number: 3)
        #expect(windows.windows[2].unread == 0 && windows.windows[2].mentions == 0)
        #expect(windows.activity == [3, 1])
    }

    @Test("closing keeps the shown room when it still exists")
    func closing() {
        var windows = Windows(rooms: ["a", "b", "c"])
        windows.select(number: 3)
        windows.close("a")
        #expect(windows.currentRoom == "c")
        windows.close("c")
        #expect(windows.currentRoom == "b")
        windows.close("b")
        #expect(windows.currentRoom == nil)
        windows.selectNext()
        windows.close("zzz")
        #expect(windows.windows.isEmpty)
    }
}
