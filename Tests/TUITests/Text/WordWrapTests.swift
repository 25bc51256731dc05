import Testing
@testable import TUI

@Suite("WordWrap: rows by display width, at word boundaries")
struct WordWrapTests {
    func lines(_ text: String, _ width: Int, rest: Int? = nil) -> [String] {
        WordWrap.wrap([Span(text)], firstWidth: width, restWidth: rest ?? width).map { $0.map(\.text).joined() }
    }

    @Test("breaks at spaces and drops the space at the break")
    func wordBoundaries() {
        #expect(lines("the quick brown fox", 10) == ["the quick", "brown fox"])
        #expect(lines("one two", 7) == ["one two"])
        #expect(lines("one  two", 4) == ["one", "two"])
    }

    @Test("a word longer than the row is broken hard")
    func longWord() {
        #expect(lines("abcdefghij", 4) == ["abcd", "efgh", "ij"])
        #expect(lines("hi abcdefghij", 4) == ["hi", "abcd", "efgh", "ij"])
    }

    @Test("a wide character at the edge moves whole to the next row")
    func wideAtEdge() {
        #expect(lines("ab世界", 3) == ["ab", "世", "界"])
        #expect(lines("🎉🎉🎉", 5) == ["🎉🎉", "🎉"])
        for row in WordWrap.wrap([Span("x世界🇫🇷👩‍💻 e\u{301}e\u{301}")], firstWidth: 3, restWidth: 3) {
            #expect(Row(row).width <= 3)
        }
    }

    @Test("width 1: every row fits, a wide character becomes the replacement character")
    func widthOne() {
        #expect(lines("ab 世", 1) == ["a", "b", "\u{FFFD}"])
        #expect(lines("abc", 0) == ["a", "b", "c"])
    }

    @Test("empty text is one empty row; styles survive the breaks")
    func emptyAndStyles() {
        #expect(lines("", 10) == [""])
        let bold = Style(attributes: .bold)
        let rows = WordWrap.wrap([Span("aa "), Span("bbbb", bold)], firstWidth: 4, restWidth: 4)
        #expect(rows == [[Span("aa")], [Span("bbbb", bold)]])
    }

    @Test("continuation rows use their own width")
    func hangingWidth() {
        #expect(lines("aaaa bb cc dd", 4, rest: 2) == ["aaaa", "bb", "cc", "dd"])
    }
}
