import Testing
@testable import TUI

@Suite("DisplayWidth: columns per grapheme, as terminals draw them")
struct DisplayWidthTests {
    @Test("widths of ASCII, CJK, combining marks, emoji, ZWJ sequences and flags", arguments: [
        ("hello", 5),
        ("", 0),
        ("世界", 4),                       // CJK: wide
        ("ｈｉ", 4),                        // fullwidth Latin
        ("e\u{301}", 1),                   // e + combining acute: one column
        ("a\u{200B}b", 2),                 // zero-width space
        ("🎉", 2),                          // emoji presentation
        ("👍🏽", 2),                          // emoji + skin tone modifier
        ("👩‍💻", 2),                          // ZWJ sequence: one glyph
        ("👨‍👩‍👧‍👦", 2),                          // family ZWJ sequence
        ("🇫🇷", 2),                          // flag: two regional indicators
        ("❤️", 2),                          // text-default heart with VS16
        ("한국어", 6),                       // Hangul syllables
        ("é世🎉a", 6),
    ])
    func widths(text: String, expected: Int) {
        #expect(DisplayWidth.of(text) == expected)
    }

    @Test("prefix never splits a wide character")
    func prefixKeepsWideWhole() {
        let text = "ab世界"[...]
        let cut = DisplayWidth.prefix(of: text, fitting: 3)
        #expect(String(text[..<cut.end]) == "ab")
        #expect(cut.width == 2)
    }

    @Test("truncate ends in an ellipsis only when it cut")
    func truncate() {
        #expect(DisplayWidth.truncate("alice", to: 5) == "alice")
        #expect(DisplayWidth.truncate("alice", to: 4) == "ali…")
        #expect(DisplayWidth.truncate("世界世界", to: 4) == "世…")
        #expect(DisplayWidth.truncate("abc", to: 0) == "")
    }
}
