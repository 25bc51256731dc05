import Testing
@testable import TUI

/// Lines in these tests mark the cursor with `|` (catgirl's tests use `\0` the same way).
extension LineEditor {
    init(marked: String) {
        let parts = marked.split(separator: "|", omittingEmptySubsequences: false)
        precondition(parts.count == 2, "one | marks the cursor")
        self.init(String(parts[0]) + String(parts[1]), cursor: String(parts[0]).count)
    }

    var marked: String { String(characters[..<cursor]) + "|" + String(characters[cursor...]) }
}

@Suite("LineEditor: editing by grapheme cluster")
struct LineEditorTests {
    typealias Edit = (inout LineEditor) -> Bool

    static let edits: [String: Edit] = [
        "backspace": { $0.deleteBackward() }, "delete": { $0.deleteForward() },
        "left": { $0.moveLeft() }, "right": { $0.moveRight() }, "home": { $0.moveHome() }, "end": { $0.moveEnd() },
        "wordLeft": { $0.moveWordBackward() }, "wordRight": { $0.moveWordForward() },
        "killEnd": { $0.killToEnd() }, "killStart": { $0.killToStart() },
        "killWordBack": { $0.killWordBackward() }, "killWordForward": { $0.killWordForward() },
    ]

    @Test("editing commands", arguments: [
        ("abc|", "backspace", "ab|", true), ("|abc", "backspace", "|abc", false),
        ("a|bc", "delete", "a|c", true), ("abc|", "delete", "abc|", false),
        ("ab|c", "left", "a|bc", true), ("|abc", "left", "|abc", false),
        ("ab|c", "right", "abc|", true), ("abc|", "right", "abc|", false),
        ("ab|c", "home", "|abc", true), ("a|bc", "end", "abc|", true),
        ("foo bar|", "wordLeft", "foo |bar", true), ("foo bar  |", "wordLeft", "foo |bar  ", true),
        ("foo, |bar", "wordLeft", "|foo, bar", true), ("|foo bar", "wordRight", "foo| bar", true),
        ("foo| bar", "wordRight", "foo bar|", true), ("a-b|", "wordLeft", "a-|b", true),
        ("foo |bar", "killEnd", "foo |", true), ("foo |bar", "killStart", "|bar", true),
        ("foo bar  |", "killWordBack", "foo |", true), ("foo-bar|x", "killWordBack", "|x", true),
        ("|", "killWordBack", "|", false), ("foo| bar baz", "killWordForward", "foo| baz", true),
        // wide (2-column) CJK characters are one character each
        ("漢字|", "backspace", "漢|", true), ("|漢字", "delete", "|字", true), ("漢|字", "right", "漢字|", true),
        ("漢字 かな|", "wordLeft", "漢字 |かな", true),
        // combining marks stay with their base
        ("e\u{301}|", "backspace", "|", true), ("|e\u{301}x", "right", "e\u{301}|x", true),
        ("ae\u{301}\u{302}|b", "left", "a|e\u{301}\u{302}b", true), ("caf|e\u{301}", "delete", "caf|", true),
        ("résumé café|", "killWordBack", "résumé |", true),
        // emoji: ZWJ sequences, skin tones and flags are one character
        ("a👩‍👩‍👧‍👦|", "backspace", "a|", true), ("|👍🏽b", "delete", "|b", true), ("🇩🇪|🇫🇷", "left", "|🇩🇪🇫🇷", true),
        ("x👩‍💻|", "left", "x|👩‍💻", true),
    ])
    func edit(before: String, edit: String, after: String, changed: Bool) throws {
        var editor = LineEditor(marked: before)
        let apply = try #require(Self.edits[edit])
        let result = apply(&editor)
        #expect(result == changed)
        #expect(editor.marked == after)
    }

    @Test("insert at the cursor", arguments: [
        ("ab|", "c", "abc|"), ("|bc", "a", "a|bc"), ("a|c", "漢字", "a漢字|c"), ("e|", "\u{301}", "e\u{301}|"),
        ("|x", "👩‍💻 ", "👩‍💻 |x"),
    ])
    func insert(before: String, text: String, after: String) {
        var editor = LineEditor(marked: before)
        editor.insert(text)
        #expect(editor.marked == after)
    }

    @Test("a combining mark typed on its own joins the character before it")
    func combiningTypedSeparately() {
        var editor = LineEditor()
        editor.insert("cafe")
        editor.insert("\u{301}")
        #expect(editor.characters.count == 4)
        #expect(editor.text == "café")
        editor.deleteBackward()
        #expect(editor.text == "caf")
    }

    @Test("kill and yank")
    func killYank() {
        var editor = LineEditor(marked: "hello big |world")
        editor.killWordBackward()
        #expect(editor.marked == "hello |world")
        #expect(editor.killBuffer == "big ")
        editor.moveEnd()
        editor.yank()
        #expect(editor.marked == "hello worldbig |")
        editor.killToStart()
        #expect(editor.killBuffer == "hello worldbig ")
        #expect(editor.marked == "|")
        editor.yank()
        editor.yank()
        #expect(editor.text == "hello worldbig hello worldbig ")
        var empty = LineEditor()
        let yanked = empty.yank()
        #expect(!yanked)
    }

    @Test("kills in a row add up; anything in between starts a new kill")
    func killChain() {
        var editor = LineEditor(marked: "one two three| four")
        editor.killWordBackward()
        editor.killWordBackward()
        #expect(editor.killBuffer == "two three")
        editor.killToEnd()
        #expect(editor.killBuffer == "two three four")
        editor.yank()
        #expect(editor.marked == "one two three four|")
        editor.moveHome()
        editor.killWordForward()
        #expect(editor.killBuffer == "one")
        editor.moveRight()
        editor.killWordForward()
        #expect(editor.killBuffer == "two")
    }

    @Test("UTF-8 length")
    func utf8Count() {
        #expect(LineEditor("aé漢👩‍💻").utf8Count == 1 + 2 + 3 + 11)
    }
}
