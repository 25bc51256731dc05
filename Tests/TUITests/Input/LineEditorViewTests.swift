import Testing
@testable import TUI

@Suite("LineEditor.view: horizontal scroll by display columns")
struct LineEditorViewTests {
    @Test("a short line is shown whole, the cursor at its column")
    func short() {
        var editor = LineEditor(marked: "漢字|ab")
        let view = editor.view(width: 10)
        #expect(view.text == "漢字ab")
        #expect(view.cursorColumn == 4)
        #expect(!view.hiddenLeft && !view.hiddenRight)
    }

    @Test("the cursor at the end keeps one free column at the right edge")
    func endOfLongLine() {
        var editor = LineEditor("abcdefghij")
        let view = editor.view(width: 5)
        #expect(view.text == "ghij")
        #expect(view.cursorColumn == 4)
        #expect(view.hiddenLeft && !view.hiddenRight)
    }

    @Test("a line exactly one column short of the width fits with the cursor after it")
    func exactFit() {
        var editor = LineEditor("abcd")
        #expect(editor.view(width: 5) == .init(text: "abcd", cursorColumn: 4, hiddenLeft: false, hiddenRight: false))
        var full = LineEditor("abcde")
        #expect(full.view(width: 5).text == "bcde")
    }

    @Test("moving within the view does not scroll; past the left edge scrolls just enough")
    func scrollLeft() {
        var editor = LineEditor("abcdefghij")
        _ = editor.view(width: 5)                    // shows "ghij|"
        for _ in 0..<3 { editor.moveLeft() }
        var view = editor.view(width: 5)
        #expect(view.text == "ghij" && view.cursorColumn == 1)
        for _ in 0..<3 { editor.moveLeft() }         // cursor before "e"
        view = editor.view(width: 5)
        #expect(view.text == "efghi" && view.cursorColumn == 0)
        #expect(view.hiddenLeft && view.hiddenRight)
        editor.moveHome()
        view = editor.view(width: 5)
        #expect(view.text == "abcde" && view.cursorColumn == 0 && !view.hiddenLeft)
    }

    @Test("moving past the right edge scrolls so the cursor sits at the edge")
    func scrollRight() {
        var editor = LineEditor("abcdefghij", cursor: 0)
        #expect(editor.view(width: 4).text == "abcd")
        for _ in 0..<5 { editor.moveRight() }        // cursor on "f"
        let view = editor.view(width: 4)
        #expect(view.text == "cdef" && view.cursorColumn == 3)
    }

    @Test("wide characters are never cut: a 2-column character under the cursor is shown whole")
    func wide() {
        var editor = LineEditor("漢字かな")
        var view = editor.view(width: 5)             // 2 wide characters and the cursor cell
        #expect(view.text == "かな" && view.cursorColumn == 4)
        editor.moveHome()
        view = editor.view(width: 5)
        #expect(view.text == "漢字" && view.cursorColumn == 0)   // a third would need 6 columns
        editor.moveRight(); editor.moveRight()      // cursor on "か"
        view = editor.view(width: 5)
        #expect(view.text == "字か" && view.cursorColumn == 2)
        #expect(DisplayWidth.of(view.text) <= 5)
    }

    @Test("an odd width next to wide characters leaves the last column empty")
    func oddWidth() {
        var editor = LineEditor("漢字かな", cursor: 0)
        let view = editor.view(width: 3)
        #expect(view.text == "漢" && view.cursorColumn == 0 && view.hiddenRight)
    }

    @Test("combining marks and ZWJ emoji are measured as one cluster")
    func clusters() {
        var editor = LineEditor("e\u{301}e\u{301}👩‍💻x")
        let view = editor.view(width: 10)
        #expect(view.text == "e\u{301}e\u{301}👩‍💻x")
        #expect(view.cursorColumn == 5)
    }

    @Test("after deleting at the end, the view fills from the left again")
    func refill() {
        var editor = LineEditor("abcdefghij")
        _ = editor.view(width: 5)
        for _ in 0..<6 { editor.deleteBackward() }  // "abcd|"
        let view = editor.view(width: 5)
        #expect(view.text == "abcd" && view.cursorColumn == 4 && !view.hiddenLeft)
    }

    @Test("width 1 still shows the cursor")
    func tiny() {
        var editor = LineEditor("abc")
        #expect(editor.view(width: 1) == .init(text: "", cursorColumn: 0, hiddenLeft: true, hiddenRight: false))
        #expect(editor.view(width: 0).cursorColumn == 0)
    }
}
