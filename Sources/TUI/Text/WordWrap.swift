/// Breaks styled text into rows by display width: at spaces where it can, inside a word only when the word is
/// longer than a row, never inside a grapheme (a wide character moves whole to the next row). A grapheme wider
/// than a whole row (a wide character at width 1) is shown as `replacement`, so every row fits.
public enum WordWrap {
    public static let replacement: Character = "\u{FFFD}"

    struct Cell {
        var character: Character
        var width: Int
        var style: Style
    }

    /// Rows of `spans`: the first at most `firstWidth` columns, the others at most `restWidth`. Spaces at a
    /// break are dropped. Empty text gives one empty row. Widths below 1 are treated as 1.
    public static func wrap(_ spans: [Span], firstWidth: Int, restWidth: Int) -> [[Span]] {
        var cells: [Cell] = []
        for span in spans {
            for character in span.text { cells.append(Cell(character: character, width: DisplayWidth.of(character), style: span.style)) }
        }
        var lines: [[Span]] = []
        var i = 0
        while i < cells.count {
            let width = max(1, lines.isEmpty ? firstWidth : restWidth)
            if !lines.isEmpty {
                while i < cells.count, cells[i].character == " " { i += 1 }
                if i == cells.count { break }
            }
            var used = 0, j = i
            var lastSpace: Int?
            while j < cells.count, used + cells[j].width <= width {
                if cells[j].character == " " { lastSpace = j }
                used += cells[j].width
                j += 1
            }
            var line: ArraySlice<Cell>
            if j == cells.count || cells[j].character == " " {
                line = cells[i..<j]; i = j
            } else if let space = lastSpace, space > i {
                line = cells[i..<space]; i = space + 1
            } else if j == i {
                var wide = cells[i]
                wide.character = replacement; wide.width = 1
                line = [wide]; i += 1
            } else {
                line = cells[i..<j]; i = j
            }
            if i < cells.count { while line.last?.character == " " { line.removeLast() } }
            lines.append(spansOf(line))
        }
        return lines.isEmpty ? [[]] : lines
    }

    /// Adjacent cells of one style joined into spans.
    static func spansOf(_ cells: ArraySlice<Cell>) -> [Span] {
        var out: [Span] = []
        var run = ""
        var style = cells.first?.style ?? .plain
        for cell in cells {
            if cell.style != style {
                out.append(Span(run, style))
                run = ""
                style = cell.style
            }
            run.append(cell.character)
        }
        if !run.isEmpty { out.append(Span(run, style)) }
        return out
    }
}
