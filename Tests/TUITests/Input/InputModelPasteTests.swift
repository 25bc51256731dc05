import Testing
@testable import TUI

@Suite("InputModel: pastes, and the question before sending several lines")
struct InputModelPasteTests {
    @Test("a one-line paste is inserted at the cursor, not sent")
    func oneLine() {
        var model = InputModel(lengthLimit: 100)
        _ = model.handle(.text("ab"))
        _ = model.handle(.key(.left))
        #expect(model.handle(.paste("X\tY\u{7}\n")) == [])
        #expect(model.editor.marked == "aX Y|b")
    }

    @Test("several lines ask first; y sends them with the text around the cursor")
    func confirmYes() {
        var model = InputModel(lengthLimit: 100)
        _ = model.handle(.text("look: "))
        let outcomes = model.handle(.paste("one\r\ntwo\n\nthree\u{1B}[31m\n"))
        let lines = ["look: one", "two", "three[31m"]
        #expect(outcomes == [.confirmPaste(lines: lines)])
        #expect(model.mode == .confirmingPaste(lines: lines))
        #expect(model.prompt == "Send 3 lines? (y/n) ")
        #expect(model.view(width: 40).cursorColumn == DisplayWidth.of("Send 3 lines? (y/n) "))
        #expect(model.handle(.text("x")) == [.bell])
        #expect(model.handle(.key(.pageUp)) == [.scroll(.pageUp)])
        #expect(model.handle(.text("y")) == [.submitLines(lines)])
        #expect(model.mode == .editing)
        #expect(model.editor.isEmpty)
        #expect(model.prompt == "> ")
    }

    @Test("n or Escape keeps the line as it was", arguments: [InputEvent.text("n"), .escape])
    func confirmNo(answer: InputEvent) {
        var model = InputModel(lengthLimit: 100)
        _ = model.handle(.text("draft"))
        _ = model.handle(.paste("a\nb"))
        #expect(model.handle(answer) == [.notice("the pasted lines were not sent")])
        #expect(model.mode == .editing)
        #expect(model.editor.text == "draft")
    }

    @Test("a paste with a line over the limit is refused")
    func tooLong() {
        var model = InputModel(lengthLimit: 5)
        let outcomes = model.handle(.paste("ok\ntoo long"))
        #expect(outcomes.first == .bell && outcomes.count == 2)
        #expect(model.mode == .editing && model.editor.isEmpty)
    }

    @Test("a truncated paste says so")
    func truncated() {
        var model = InputModel(lengthLimit: 100)
        #expect(model.handle(.paste("abc", truncated: true)) == [.notice("the paste was cut at 1 MiB")])
        #expect(model.editor.text == "abc")
    }

    @Test("decoded bytes drive the model end to end")
    func endToEnd() {
        var decoder = KeyDecoder()
        var model = InputModel(lengthLimit: 100)
        var outcomes: [InputOutcome] = []
        let bytes = Array("hi\u{1B}[200~a\nb\u{1B}[201~y\u{1B}[Dz\r".utf8)
        for event in decoder.feed(bytes) { outcomes += model.handle(event) }
        // Left on the emptied line has nothing to do: the bell.
        #expect(outcomes == [.confirmPaste(lines: ["hia", "b"]), .submitLines(["hia", "b"]), .bell, .submit("z")])
    }
}
