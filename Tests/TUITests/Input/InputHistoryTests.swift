import Testing
@testable import TUI

@Suite("InputHistory: Up/Down through sent lines")
struct InputHistoryTests {
    @Test("Up walks back, Down forward, and the draft comes back after the newest")
    func browse() {
        var history = InputHistory(entries: ["one", "two", "three"])
        #expect(history.previous(current: "dra") == "three")
        #expect(history.previous(current: "three") == "two")
        #expect(history.previous(current: "two") == "one")
        #expect(history.previous(current: "one") == nil)
        #expect(history.next() == "two")
        #expect(history.next() == "three")
        #expect(history.next() == "dra")
        #expect(history.next() == nil)
        #expect(history.position == nil)
    }

    @Test("an empty history has nothing before the draft")
    func empty() {
        var history = InputHistory()
        #expect(history.previous(current: "x") == nil)
        #expect(history.next() == nil)
    }

    @Test("consecutive duplicates and empty lines are recorded once / not at all")
    func duplicates() {
        var history = InputHistory()
        for line in ["a", "a", "", "b", "a", "a"] { history.record(line) }
        #expect(history.entries == ["a", "b", "a"])
    }

    @Test("recording stops browsing and forgets the draft")
    func recordResets() {
        var history = InputHistory(entries: ["a", "b"])
        _ = history.previous(current: "draft")
        history.record("c")
        #expect(history.position == nil)
        #expect(history.previous(current: "") == "c")
        #expect(history.next() == "")
    }

    @Test("the oldest entries go beyond the capacity, also when loaded")
    func capacity() {
        var history = InputHistory(entries: (1...7).map(String.init), capacity: 5)
        #expect(history.entries == ["3", "4", "5", "6", "7"])
        history.record("8")
        #expect(history.entries == ["4", "5", "6", "7", "8"])
        #expect(InputHistory.defaultCapacity == 500)
        let full = InputHistory(entries: (0..<600).map(String.init))
        #expect(full.entries.count == InputHistory.defaultCapacity)
        #expect(full.entries.first == "100")
    }

    @Test("saved entries round-trip through init, duplicates collapsed")
    func roundTrip() {
        var history = InputHistory()
        for line in ["/join dev", "hi", "hi", "/quit"] { history.record(line) }
        #expect(InputHistory(entries: history.entries).entries == ["/join dev", "hi", "/quit"])
    }
}
