/// The input line as the input layer laid it out: text already scrolled to fit, the caret's column in it.
public struct InputLine: Hashable, Sendable {
    public var prompt: String
    /// The visible part of the line (the input layer's own text, already free of controls).
    public var text: String
    /// The caret's column within `text`.
    public var cursorColumn: Int
    /// Shown at the right end when set, e.g. `480/512` near the length limit.
    public var indicator: String?

    public init(prompt: String, text: String = "", cursorColumn: Int = 0, indicator: String? = nil) {
        self.prompt = prompt; self.text = text; self.cursorColumn = cursorColumn; self.indicator = indicator
    }
}

/// Everything one frame shows, as plain values the App fills each tick.
public struct ScreenState {
    public var width: Int
    public var height: Int
    public var theme: Theme
    public var windows: Windows
    /// The current room's pane; nil shows an empty pane.
    public var scrollback: Scrollback?
    /// Peers of the current room.
    public var peers: [SidebarPeer]
    public var status: StatusInfo
    public var input: InputLine

    public init(width: Int, height: Int, theme: Theme, windows: Windows, scrollback: Scrollback?,
                peers: [SidebarPeer], status: StatusInfo, input: InputLine) {
        self.width = width; self.height = height; self.theme = theme; self.windows = windows
        self.scrollback = scrollback; self.peers = peers; self.status = status; self.input = input
    }
}

/// Composes a frame: messages, sidebar, status line and input line placed by `Layout`, the cursor on the
/// input line. Too small a screen gets a centred notice instead.
///
/// Rendering sizes the current `Scrollback` to the message pane and gives it the state's theme (it pages and
/// wraps lazily, so a frame costs the rows on screen). Pass a theme already `resolved(for:)` the terminal's depth.
public enum ChatScreen {
    public static let tooSmallNotice = "terminal too small"

    public static func render(_ state: ScreenState) -> Canvas {
        var canvas = Canvas(width: state.width, height: state.height)
        let layout = Layout(width: state.width, height: state.height)
        let theme = state.theme
        if layout.tooSmall {
            drawNotice(into: &canvas, theme: theme)
            return canvas
        }
        drawMessages(state, in: layout.messages, into: &canvas)
        if let rect = layout.sidebar {
            let rows = Sidebar.rows(state.peers, width: rect.width, height: rect.height, theme: theme)
            for (line, row) in rows.enumerated() { canvas.draw(row, in: rect, line: line) }
        }
        let newBelow = state.scrollback.flatMap { $0.isFollowing ? nil : $0.newBelow }
        canvas.draw(StatusLine.row(windows: state.windows, info: state.status, newBelow: newBelow,
                                   width: layout.status.width, theme: theme), in: layout.status, line: 0)
        drawInput(state.input, in: layout.input, into: &canvas, theme: theme)
        return canvas
    }

    static func drawMessages(_ state: ScreenState, in rect: Rect, into canvas: inout Canvas) {
        guard let scrollback = state.scrollback else { return }
        if scrollback.formatter.theme != state.theme { scrollback.formatter.theme = state.theme }
        scrollback.resize(width: rect.width, height: rect.height)
        for (line, row) in scrollback.visibleRows().enumerated() {
            var row = row
            row.fill = state.theme.text
            canvas.draw(row, in: rect, line: line)
        }
    }

    static func drawInput(_ input: InputLine, in rect: Rect, into canvas: inout Canvas, theme: Theme) {
        let prompt = Span(input.prompt, theme.prompt)
        var spans = [prompt, Span(input.text, theme.input)]
        let used = DisplayWidth.of(input.prompt) + DisplayWidth.of(input.text)
        if let indicator = input.indicator {
            let gap = rect.width - used - DisplayWidth.of(indicator)
            if gap >= 1 { spans += [Span(String(repeating: " ", count: gap), theme.input), Span(indicator, theme.statusHighlight)] }
        }
        canvas.draw(Row(spans, fill: theme.input), in: rect, line: 0)
        let x = DisplayWidth.of(input.prompt) + max(0, input.cursorColumn)
        canvas.cursor = (min(x, rect.width - 1), rect.y)
    }

    /// The notice centred on whatever screen there is (cut to fit; nothing at 0×0).
    static func drawNotice(into canvas: inout Canvas, theme: Theme) {
        guard canvas.width > 0, canvas.height > 0 else { return }
        let text = DisplayWidth.truncate(tooSmallNotice, to: canvas.width)
        let x = (canvas.width - DisplayWidth.of(text)) / 2
        let full = Rect(x: 0, y: 0, width: canvas.width, height: canvas.height)
        canvas.draw(Row([Span(String(repeating: " ", count: x)), Span(text, theme.error)]), in: full, line: canvas.height / 2)
    }
}
