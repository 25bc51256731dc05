import Testing
@testable import TUI

@Suite("Completion: Tab for nicks and commands")
struct CompletionTests {
    static let nicks = ["alice", "Albert", "bob", "alina"]   // most recently active first

    /// Presses Tab `times` times (backwards with Shift-Tab) and returns the marked line after each press.
    static func tab(_ marked: String, times: Int = 1, backward: Bool = false, nicks: [String] = nicks) -> [String] {
        var editor = LineEditor(marked: marked)
        var completion = Completion()
        return (0..<times).map { _ in
            let done = completion.complete(&editor, commands: .standard, nicks: nicks, backward: backward)
            return done ? editor.marked : "bell"
        }
    }

    @Test("a nick at the start of the line gets \": \"; cycling in activity order, wrapping")
    func lineStart() {
        #expect(Self.tab("al|", times: 4) == ["alice: |", "Albert: |", "alina: |", "alice: |"])
    }

    @Test("a nick elsewhere gets nothing appended; the text after the cursor stays")
    func midLine() {
        #expect(Self.tab("hi bo| there", times: 2) == ["hi bob| there", "hi bob| there"])
    }

    @Test("@ before a nick is kept; matching ignores case")
    func atSign() {
        #expect(Self.tab("ping @AL|", times: 2) == ["ping @alice|", "ping @Albert|"])
    }

    @Test("Shift-Tab cycles backwards")
    func backward() {
        #expect(Self.tab("al|", times: 2, backward: true) == ["alina: |", "Albert: |"])
    }

    @Test("nothing to complete rings the bell", arguments: ["zed|", "|", "hi |", "/zz|", "@|"])
    func noMatch(marked: String) {
        #expect(Self.tab(marked) == ["bell"])
    }

    @Test("commands after / at the start of the line, with a space after")
    func commands() {
        #expect(Self.tab("/p|", times: 3) == ["/peers |", "/ping |", "/peers |"])
        #expect(Self.tab("/he|") == ["/help |"])
        #expect(Self.tab("/|", times: 2) == ["/clear |", "/help |"])
        #expect(Self.tab("/Jo|") == ["/join |"])
    }

    @Test("a / later in the line is not a command")
    func slashLater() {
        #expect(Self.tab("see /p|", nicks: ["/pat"]) == ["see /pat|"])
    }

    @Test("hidden commands are not completed")
    func hidden() {
        var table = CommandTable.standard
        table.register(Command("perf", summary: "x", help: "x", hidden: true))
        var editor = LineEditor("/pe")
        var completion = Completion()
        _ = completion.complete(&editor, commands: table, nicks: [])
        _ = completion.complete(&editor, commands: table, nicks: [])
        #expect(editor.text == "/peers ")
    }

    @Test("ending the cycle starts afresh from the text then under the cursor")
    func endCycle() {
        var editor = LineEditor("al")
        var completion = Completion()
        _ = completion.complete(&editor, commands: .standard, nicks: Self.nicks)
        #expect(editor.text == "alice: ")
        completion.end()
        editor.insert("bo")
        _ = completion.complete(&editor, commands: .standard, nicks: Self.nicks)
        #expect(editor.marked == "alice: bob|")
    }
}
