import Testing
@testable import TUI

@Suite("Canvas: rows clipped to rects, insets spliced into rows")
struct CanvasTests {
    func text(_ row: Row) -> String { row.spans.map(\.text).joined() }

    @Test("a row is clipped to the rect, a wide character straddling the edge is dropped")
    func clipWide() {
        var canvas = Canvas(width: 10, height: 2)
        canvas.draw(Row([Span("abc世界")]), in: Rect(x: 0, y: 0, width: 4, height: 1), line: 0)
        #expect(text(canvas.rows[0]) == "abc ")   // the wide 世 would straddle column 4
        #expect(canvas.rows[0].width <= 10)
        #expect(Canvas.clip(Row([Span("ab"), Span("世x")]), to: 3).spans.map(\.text) == ["ab", ""])
    }

    @Test("an inset replaces its columns and keeps what is right of it")
    func splice() {
        var canvas = Canvas(width: 10, height: 1)
        canvas.draw(Row([Span("0123456789")]), in: Rect(x: 0, y: 0, width: 10, height: 1), line: 0)
        canvas.draw(Row([Span("ab")]), in: Rect(x: 3, y: 0, width: 4, height: 1), line: 0)
        #expect(text(canvas.rows[0]) == "012ab  789")
    }

    @Test("a wide character under the inset's right edge leaves a space, never half a glyph")
    func spliceWideStraddle() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.draw(Row([Span("世界世")]), in: Rect(x: 0, y: 0, width: 6, height: 1), line: 0)
        canvas.draw(Row([Span("ab")]), in: Rect(x: 0, y: 0, width: 3, height: 1), line: 0)
        #expect(text(canvas.rows[0]) == "ab  世")
        #expect(canvas.rows[0].width == 6)
    }

    @Test("lines outside the rect or the canvas are ignored")
    func outside() {
        var canvas = Canvas(width: 4, height: 2)
        canvas.draw(Row([Span("x")]), in: Rect(x: 0, y: 0, width: 4, height: 1), line: 1)
        canvas.draw(Row([Span("x")]), in: Rect(x: 0, y: 5, width: 4, height: 1), line: 0)
        canvas.draw(Row([Span("x")]), in: Rect(x: 9, y: 0, width: 4, height: 1), line: 0)
        #expect(canvas.rows.allSatisfy { $0.spans.isEmpty })
        #expect(Canvas(width: -3, height: -1).rows.isEmpty)
    }
}

@Suite("Span: its width follows its text")
struct SpanTests {
    @Test("width is measured at init and again when the text changes")
    func width() {
        var span = Span("ab世")
        #expect(span.width == 4)
        span.text += "🎉x"
        #expect(span.width == 7)
        #expect(Row([span, Span("é")]).width == 8)
        #expect(DisplayWidth.printableASCIICount("tab\there".utf8) == nil)
        #expect(DisplayWidth.printableASCIICount("plain ascii".utf8) == 11)
    }
}
