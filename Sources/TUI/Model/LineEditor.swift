/// The input line: text as grapheme clusters (what the user sees as one character: `e` + U+0301, 漢, 👩‍💻)
/// and a cursor between them, with readline's editing commands. A pure value: keys are mapped to these
/// methods by `Keymap` and `InputModel`.
///
/// Words for Alt-B/Alt-F and Alt-D are runs of letters, digits and `_`; Ctrl-W kills back to whitespace, as
/// in a shell. A kill replaces the kill buffer, except right after another kill, when it adds to it (so
/// Ctrl-W Ctrl-W then Ctrl-Y brings both words back, as in readline); Ctrl-Y inserts it.
public struct LineEditor: Hashable, Sendable {
    public private(set) var characters: [Character] = []
    /// Index into `characters`: the cursor sits before `characters[cursor]`.
    public private(set) var cursor = 0
    /// What the last kill removed; Ctrl-Y inserts it.
    public private(set) var killBuffer = ""
    /// Index of the first character shown (horizontal scroll), kept between views so the line does not jump.
    private var scrollOffset = 0
    /// The last change was a kill: the next kill adds to the kill buffer.
    private var killChain = false

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    /// A line with the cursor before character `cursor` (clamped to the line).
    public init(_ text: String, cursor: Int) {
        characters = Array(text)
        self.cursor = min(max(cursor, 0), characters.count)
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }
    /// Length of the line as it will be sent.
    public var utf8Count: Int { characters.reduce(0) { $0 + $1.utf8.count } }

    // MARK: Inserting

    /// Inserts text at the cursor and moves the cursor after it. A combining mark joins the character
    /// before it, as it would on the screen.
    public mutating func insert(_ text: String) {
        replace(cursor..<cursor, with: text)
    }

    /// Replaces the characters in `range` with `text`, the cursor after the new text.
    public mutating func replace(_ range: Range<Int>, with text: String) {
        killChain = false
        let range = range.clamped(to: 0..<characters.count)
        let before = String(characters[..<range.lowerBound]) + text
        let cursorAfter = before.count
        characters = Array(before + String(characters[range.upperBound...]))
        cursor = min(cursorAfter, characters.count)
    }

    /// Replaces the whole line, the cursor at its end.
    public mutating func setText(_ text: String) {
        killChain = false
        characters = Array(text)
        cursor = characters.count
    }

    /// Empties the line and returns what it held (the kill buffer is kept).
    @discardableResult
    public mutating func clear() -> String {
        defer { setText("") }
        return text
    }

    // MARK: Deleting

    /// Backspace: removes the character before the cursor; false at the start of the line.
    @discardableResult
    public mutating func deleteBackward() -> Bool {
        killChain = false
        guard cursor > 0 else { return false }
        characters.remove(at: cursor - 1)
        cursor -= 1
        return true
    }

    /// Delete: removes the character under the cursor; false at the end of the line.
    @discardableResult
    public mutating func deleteForward() -> Bool {
        killChain = false
        guard cursor < characters.count else { return false }
        characters.remove(at: cursor)
        return true
    }

    // MARK: Moving

    @discardableResult public mutating func moveLeft() -> Bool { move(to: cursor - 1) }
    @discardableResult public mutating func moveRight() -> Bool { move(to: cursor + 1) }
    @discardableResult public mutating func moveHome() -> Bool { move(to: 0) }
    @discardableResult public mutating func moveEnd() -> Bool { move(to: characters.count) }
    /// Alt-B, Ctrl-Left: to the start of this or the previous word.
    @discardableResult public mutating func moveWordBackward() -> Bool { move(to: wordStart(before: cursor)) }
    /// Alt-F, Ctrl-Right: to the end of this or the next word.
    @discardableResult public mutating func moveWordForward() -> Bool { move(to: wordEnd(after: cursor)) }

    /// False (nothing moved) when `index` is outside the line or already the cursor.
    private mutating func move(to index: Int) -> Bool {
        killChain = false
        guard index >= 0, index <= characters.count, index != cursor else { return false }
        cursor = index
        return true
    }

    // MARK: Killing and yanking

    /// Ctrl-K: kills from the cursor to the end.
    @discardableResult public mutating func killToEnd() -> Bool { kill(cursor..<characters.count) }
    /// Ctrl-U: kills from the start to the cursor.
    @discardableResult public mutating func killToStart() -> Bool { kill(0..<cursor) }
    /// Ctrl-W: kills back to the previous whitespace (spaces before the cursor go too).
    @discardableResult public mutating func killWordBackward() -> Bool {
        var start = cursor
        while start > 0, characters[start - 1].isWhitespace { start -= 1 }
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        return kill(start..<cursor)
    }
    /// Alt-D: kills to the end of this or the next word.
    @discardableResult public mutating func killWordForward() -> Bool { kill(cursor..<wordEnd(after: cursor)) }

    /// Ctrl-Y: inserts the last kill at the cursor; false when nothing was killed yet.
    @discardableResult
    public mutating func yank() -> Bool {
        guard !killBuffer.isEmpty else { return false }
        insert(killBuffer)
        return true
    }

    private mutating func kill(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        let killed = String(characters[range])
        if !killChain {
            killBuffer = killed
        } else if range.upperBound == cursor {
            killBuffer = killed + killBuffer     // killing backwards: in front of what was killed before
        } else {
            killBuffer += killed
        }
        killChain = true
        characters.removeSubrange(range)
        cursor = range.lowerBound
        return true
    }

    // MARK: Words

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, !Self.isWordCharacter(characters[i - 1]) { i -= 1 }
        while i > 0, Self.isWordCharacter(characters[i - 1]) { i -= 1 }
        return i
    }

    private func wordEnd(after index: Int) -> Int {
        var i = index
        while i < characters.count, !Self.isWordCharacter(characters[i]) { i += 1 }
        while i < characters.count, Self.isWordCharacter(characters[i]) { i += 1 }
        return i
    }

    // MARK: View

    /// The part of the line that fits in `width` columns and where the cursor is in it.
    public struct View: Hashable, Sendable {
        /// The visible characters (measured with `DisplayWidth`; never wider than the width asked for).
        public var text: String
        /// Column of the cursor within `text`'s columns (0-based).
        public var cursorColumn: Int
        /// Characters hidden to the left and to the right (the views may draw `<` / `>` markers).
        public var hiddenLeft: Bool
        public var hiddenRight: Bool
    }

    /// Scrolls horizontally so that the cursor (and the character under it, whole) is visible, then shows as
    /// much text before it as fits. The scroll position is kept, so moving within the visible part does not
    /// scroll.
    public mutating func view(width: Int) -> View {
        let width = max(width, 1)
        let cursorCells = cursor < characters.count ? max(DisplayWidth.of(characters[cursor]), 1) : 1
        scrollOffset = min(scrollOffset, cursor)
        if columns(scrollOffset..<cursor, upTo: width) + cursorCells > width {
            // The cursor went past the right edge: scroll so that it sits at the edge.
            var start = cursor, used = cursorCells
            while start > 0, used + DisplayWidth.of(characters[start - 1]) <= width {
                start -= 1
                used += DisplayWidth.of(characters[start])
            }
            scrollOffset = start
        }
        // Fill from the left when the text after the view's start ends before the edge (after deletions);
        // one column stays free after the text for the cursor, so moving off the end does not scroll.
        var used = columns(scrollOffset..<characters.count, upTo: width) + 1
        while scrollOffset > 0, used + DisplayWidth.of(characters[scrollOffset - 1]) <= width {
            scrollOffset -= 1
            used += DisplayWidth.of(characters[scrollOffset])
        }
        let visible = characters[scrollOffset...]
        var shown = 0, filled = 0
        for c in visible {
            let w = DisplayWidth.of(c)
            if filled + w > width { break }
            filled += w
            shown += 1
        }
        let end = scrollOffset + shown
        return View(text: String(characters[scrollOffset..<end]), cursorColumn: columns(scrollOffset..<cursor, upTo: width),
                    hiddenLeft: scrollOffset > 0, hiddenRight: end < characters.count)
    }

    /// Columns of `characters[range]`, counted from the right; stops once past `limit` (then the exact sum
    /// does not matter, only that it is over), so a long line costs only what the view shows.
    private func columns(_ range: Range<Int>, upTo limit: Int) -> Int {
        var total = 0
        for c in characters[range].reversed() {
            total += DisplayWidth.of(c)
            if total > limit { return total }
        }
        return total
    }
}
