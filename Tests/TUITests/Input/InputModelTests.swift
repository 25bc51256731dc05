import Testing
@testable import TUI

@Suite("InputModel: keys in, what the App must do out")
struct InputModelTests {
    static func model(limit: Int = 100) -> InputModel { InputModel(lengthLimit: limit) }

    static func type(_ text: String, into model: inout InputModel) {
        _ = model.handle(.text(text))
    }

    @Test("typing and Enter submit the line, record it and clear the editor")
    func submit() {
        var model = Self.model()
        Self.type("hello", into: &model)
        #expect(model.handle(.enter) == [.submit("hello")])
        #expect(model.editor.isEmpty)
        #expect(model.history.entries == ["hello"])
        #expect(model.handle(.enter) == [])                        // nothing to send
        Self.type("   ", into: &model)
        #expect(model.handle(.enter) == [])
    }

    @Test("Up and Down recall sent lines and keep the draft")
    func history() {
        var model = InputModel(lengthLimit: 100, history: InputHistory(entries: ["first", "second"]))
        Self.type("dra", into: &model)
        #expect(model.handle(.key(.up)) == [])
        #expect(model.editor.text == "second")
        _ = model.handle(.key(.up))
        #expect(model.editor.text == "first")
        #expect(model.handle(.key(.up)) == [.bell])
        _ = model.handle(.key(.down))
        _ = model.handle(.key(.down))
        #expect(model.editor.text == "dra")
        #expect(model.handle(.key(.down)) == [.bell])
    }

    @Test("a refused edit rings the bell")
    func bell() {
        var model = Self.model()
        #expect(model.handle(.backspace) == [.bell])
        #expect(model.handle(.ctrl("y")) == [.bell])
    }

    @Test("Tab cycles nicks; any other key ends the cycle")
    func completion() {
        var model = Self.model()
        model.nicks = ["alice", "alina"]
        Self.type("al", into: &model)
        _ = model.handle(.tab)
        _ = model.handle(.tab)
        #expect(model.editor.text == "alina: ")
        _ = model.handle(.key(.left))
        _ = model.handle(.key(.right))
        #expect(model.handle(.tab) == [.bell])                     // "alina:" matches no nick: a new start
        #expect(model.editor.text == "alina: ")
        #expect(model.handle(.escape) == [])
    }

    @Test("app keys become outcomes; Home/End scroll only on an empty line")
    func appKeys() {
        var model = Self.model()
        #expect(model.handle(.key(.pageUp)) == [.scroll(.pageUp)])
        #expect(model.handle(.key(.home)) == [.scroll(.top)])
        #expect(model.handle(.mouse(MouseEvent(.wheelDown, column: 0, row: 0))) == [.scroll(.linesDown(3))])
        #expect(model.handle(.alt("3")) == [.switchRoom(.number(3))])
        #expect(model.handle(.ctrl("l")) == [.redraw])
        #expect(model.handle(.ctrl("d")) == [.quit])
        Self.type("x", into: &model)
        #expect(model.handle(.key(.home)) == [])
        #expect(model.editor.cursor == 0)
        #expect(model.handle(.ctrl("d")) == [])
        #expect(model.editor.isEmpty)
        #expect(model.handle(.ctrl("c")) == [.quit])
        #expect(model.handle(.ctrl("p")) == [])
    }

    @Test("a line over the limit is refused with an explanation; the indicator shows from 80 %")
    func lengthLimit() {
        var model = Self.model(limit: 10)
        Self.type("1234567", into: &model)
        #expect(!model.length.isShown)
        Self.type("8", into: &model)
        #expect(model.length.isShown && !model.length.isOver)
        #expect(model.view(width: 40).length?.text == "8/10")
        Self.type("é9", into: &model)                             // 11 bytes
        #expect(model.length.isOver)
        let outcomes = model.handle(.enter)
        #expect(outcomes.first == .bell)
        #expect(outcomes.count == 2)
        #expect(model.editor.text == "12345678é9")
        _ = model.handle(.backspace)
        _ = model.handle(.backspace)
        #expect(model.handle(.enter) == [.submit("12345678")])
    }

    @Test("the view puts the prompt first and leaves room for the indicator")
    func view() {
        var model = Self.model(limit: 10)
        model.linePrompt = "[dev] "
        Self.type("abcdefghi", into: &model)
        let view = model.view(width: 16)                          // 6 prompt + 5 text + 5 for " 9/10"
        #expect(view.prompt == "[dev] ")
        #expect(view.text == "fghi" && view.cursorColumn == 10 && view.hiddenLeft)
        #expect(view.length == LengthIndicator(bytes: 9, limit: 10))
    }
}
