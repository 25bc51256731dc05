/// A styled run of text on one row: what the views produce and the terminal layer paints.
public struct Span: Hashable, Sendable {
    public var text: String { didSet { width = DisplayWidth.of(text) } }
    public var style: Style
    /// Columns `text` takes, measured once when it is set: frames clip and splice rows without measuring again.
    public private(set) var width: Int
    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
        width = DisplayWidth.of(text)
    }
}

/// One screen row as spans from column 0. Text is already sanitised and fits the row's width
/// (measured with `DisplayWidth`); the terminal layer pads the rest with the row's `fill` style.
public struct Row: Hashable, Sendable {
    public var spans: [Span]
    public var fill: Style
    public init(_ spans: [Span] = [], fill: Style = .plain) {
        self.spans = spans
        self.fill = fill
    }

    /// Columns the spans take.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }
}

/// A rectangle of the screen, in columns and rows from the top-left corner.
public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
}

/// The whole screen for one frame, as rows of spans, plus where the cursor goes. Views fill it; the
/// terminal layer compares it with the previous frame and repaints only rows that changed.
public struct Canvas: Hashable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var rows: [Row]
    /// Where the terminal cursor is shown (the input line's caret), or nil to hide it.
    public var cursor: (x: Int, y: Int)? {
        get { cursorX.map { ($0, cursorY) } }
        set { cursorX = newValue?.x; cursorY = newValue?.y ?? 0 }
    }
    private var cursorX: Int?
    private var cursorY = 0

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        rows = Array(repeating: Row(), count: self.height)
    }

    /// Draws `row` into `rect`'s line `line` (0-based within the rect), clipped to the rect's width.
    public mutating func draw(_ row: Row, in rect: Rect, line: Int) {
        let y = rect.y + line
        guard line >= 0, line < rect.height, y >= 0, y < height, rect.x < width else { return }
        let clipped = Canvas.clip(row, to: min(rect.width, width - rect.x))
        if rect.x == 0 && rect.width >= width {
            rows[y] = clipped
            return
        }
        rows[y] = Canvas.splice(rows[y], clipped, at: rect.x, width: min(rect.width, width - rect.x))
    }

    /// `row` cut to at most `columns` display columns (a wide character that would straddle the edge is dropped).
    public static func clip(_ row: Row, to columns: Int) -> Row {
        var out = Row(fill: row.fill)
        var used = 0
        for span in row.spans {
            guard used < columns else { break }
            let w = span.width
            if used + w <= columns {
                out.spans.append(span)
                used += w
            } else {
                let cut = DisplayWidth.prefix(of: span.text[...], fitting: columns - used)
                out.spans.append(Span(String(span.text[..<cut.end]), span.style))
                used += cut.width
            }
        }
        return out
    }

    /// `base` with `columns` columns from `x` replaced by `inset` (padded with the inset's fill).
    static func splice(_ base: Row, _ inset: Row, at x: Int, width columns: Int) -> Row {
        var out = clip(base, to: x)
        let have = out.width
        if have < x { out.spans.append(Span(String(repeating: " ", count: x - have), base.fill)) }
        out.spans += inset.spans
        let insetWidth = inset.width
        if insetWidth < columns { out.spans.append(Span(String(repeating: " ", count: columns - insetWidth), inset.fill)) }
        // What was right of the inset stays.
        var skipped = 0
        var rest: [Span] = []
        let end = x + columns
        for span in base.spans {
            let w = span.width
            if skipped + w <= end { skipped += w; continue }
            if skipped >= end { rest.append(span); continue }
            // The span straddles the inset's right edge: keep its part beyond it.
            var column = skipped
            var index = span.text.startIndex
            while index < span.text.endIndex, column < end {
                column += DisplayWidth.of(span.text[index])
                index = span.text.index(after: index)
            }
            let pad = String(repeating: " ", count: max(0, column - end))
            rest.append(Span(pad + span.text[index...], span.style))
            skipped += w
        }
        out.spans += rest
        return out
    }

    public static func == (a: Canvas, b: Canvas) -> Bool {
        a.width == b.width && a.height == b.height && a.rows == b.rows && a.cursorX == b.cursorX && a.cursorY == b.cursorY
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(width); hasher.combine(height); hasher.combine(rows)
    }
}
