/// The input side of the client in one value: the line editor, history, completion and the paste question,
/// driven by `InputEvent`s. `handle` says what the App must do; `view(width:)` what the input line shows.
///
/// A paste of one line is inserted at the cursor. A paste of several lines (with the text already on the
/// line around it) is not sent until the user answers "Send N lines? (y/n)": `y` sends them
/// (`.submitLines`, as text: a pasted `/` line is not run as a command), `n` or Escape keeps the line as it was. Pasted control characters are dropped and tabs
/// become spaces, so the line holds only printable text.
public struct InputModel {
    /// Editing the line, or waiting for the answer to "Send N lines? (y/n)".
    public enum Mode: Hashable, Sendable {
        case editing
        case confirmingPaste(lines: [String])
    }

    public var editor = LineEditor()
    public var history: InputHistory
    public var commands: CommandTable
    public var keymap: Keymap
    /// Nicks to complete, most recently active first (the App keeps this current).
    public var nicks: [String] = []
    /// The prompt while editing.
    public var linePrompt = "> "
    /// UTF-8 bytes a line may have (the App passes the chat content limit).
    public let lengthLimit: Int
    public private(set) var mode = Mode.editing
    private var completion = Completion()

    public init(lengthLimit: Int, history: InputHistory = InputHistory(), commands: CommandTable = .standard,
                keymap: Keymap = .standard) {
        self.lengthLimit = lengthLimit
        self.history = history
        self.commands = commands
        self.keymap = keymap
    }

    /// The prompt shown now: `linePrompt`, or the paste question.
    public var prompt: String {
        switch mode {
        case .editing: return linePrompt
        case .confirmingPaste(let lines): return "Send \(lines.count) lines? (y/n) "
        }
    }

    public var length: LengthIndicator { LengthIndicator(bytes: editor.utf8Count, limit: lengthLimit) }

    // MARK: Events

    /// Applies one event; the outcomes are for the App, in order.
    public mutating func handle(_ event: InputEvent) -> [InputOutcome] {
        if case .confirmingPaste(let lines) = mode { return answer(event, lines: lines) }
        let action = keymap.action(for: event, lineIsEmpty: editor.isEmpty)
        if action != .complete && action != .completeBackward { completion.end() }
        if case .paste(let text, let truncated) = event { return paste(text, truncated: truncated) }
        guard let action else { return [] }
        switch action {
        case .edit(let edit): return apply(edit) ? [] : [.bell]
        case .submit: return submit()
        case .historyPrevious:
            guard let line = history.previous(current: editor.text) else { return [.bell] }
            editor.setText(line)
            return []
        case .historyNext:
            guard let line = history.next() else { return [.bell] }
            editor.setText(line)
            return []
        case .complete, .completeBackward:
            let done = completion.complete(&editor, commands: commands, nicks: nicks,
                                           backward: action == .completeBackward)
            return done ? [] : [.bell]
        case .scroll(let scroll): return [.scroll(scroll)]
        case .switchRoom(let room): return [.switchRoom(room)]
        case .redraw: return [.redraw]
        case .quit: return [.quit]
        case .cancel: return []
        }
    }

    /// Applies an editing action; false when it could not do anything.
    private mutating func apply(_ edit: EditAction) -> Bool {
        switch edit {
        case .insert(let text):
            editor.insert(text)
            return true
        case .deleteBackward: return editor.deleteBackward()
        case .deleteForward: return editor.deleteForward()
        case .left: return editor.moveLeft()
        case .right: return editor.moveRight()
        case .home: return editor.moveHome()
        case .end: return editor.moveEnd()
        case .wordLeft: return editor.moveWordBackward()
        case .wordRight: return editor.moveWordForward()
        case .killToEnd: return editor.killToEnd()
        case .killToStart: return editor.killToStart()
        case .killWordBackward: return editor.killWordBackward()
        case .killWordForward: return editor.killWordForward()
        case .yank: return editor.yank()
        }
    }

    private mutating func submit() -> [InputOutcome] {
        guard !editor.text.trimmingWhitespace().isEmpty else { return [] }
        let bytes = editor.utf8Count
        guard bytes <= lengthLimit else {
            return [.bell, .notice("the line is \(bytes) bytes, over the limit of \(lengthLimit); shorten it to send")]
        }
        let line = editor.clear()
        history.record(line)
        return [.submit(line)]
    }

    // MARK: Paste

    private mutating func paste(_ text: String, truncated: Bool) -> [InputOutcome] {
        var outcomes: [InputOutcome] = []
        if truncated { outcomes.append(.notice("the paste was cut at \(KeyDecoder.maxPasteBytes >> 20) MiB")) }
        var pasted = Self.lines(text)
        if pasted.count > 1, pasted.last == "" { pasted.removeLast() }   // a final newline ends the paste, no more
        let before = String(editor.characters[..<editor.cursor])
        let after = String(editor.characters[editor.cursor...])
        var whole = pasted
        whole[0] = before + whole[0]
        whole[whole.count - 1] += after
        let lines = whole.filter { !$0.trimmingWhitespace().isEmpty }
        guard lines.count > 1 else {
            editor.insert(pasted.joined())
            return outcomes
        }
        if let long = lines.first(where: { $0.utf8.count > lengthLimit }) {
            return outcomes + [.bell, .notice("a pasted line is \(long.utf8.count) bytes, over the limit of "
                                              + "\(lengthLimit); nothing was sent")]
        }
        mode = .confirmingPaste(lines: lines)
        return outcomes + [.confirmPaste(lines: lines)]
    }

    /// The paste question: `y` sends, `n` or Escape declines; scrolling, redraw and quit still work.
    private mutating func answer(_ event: InputEvent, lines: [String]) -> [InputOutcome] {
        switch event {
        case .text("y"), .text("Y"):
            mode = .editing
            editor.clear()
            return [.submitLines(lines)]
        case .text("n"), .text("N"), .escape:
            mode = .editing
            return [.notice("the pasted lines were not sent")]
        default:
            switch keymap.action(for: event, lineIsEmpty: false) {
            case .scroll(let scroll): return [.scroll(scroll)]
            case .redraw: return [.redraw]
            case .quit: return [.quit]
            default: return [.bell]
            }
        }
    }

    /// Pasted text as lines (CR, LF and CRLF end a line), each without control characters; tabs become
    /// spaces. Always at least one (maybe empty) line.
    static func lines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { line in
            var clean = String.UnicodeScalarView()
            for scalar in line.unicodeScalars {
                switch scalar.value {
                case 0x09: clean.append(" ")
                case 0x00...0x1F, 0x7F...0x9F: continue
                default: clean.append(scalar)
                }
            }
            return String(clean)
        }
    }

    // MARK: View

    /// The input line laid out in `width` columns: prompt, the visible text, the cursor, and the length
    /// indicator on the right when it is shown.
    public mutating func view(width: Int) -> InputLineView {
        let promptWidth = DisplayWidth.of(prompt)
        guard case .editing = mode else {
            return InputLineView(prompt: prompt, text: "", cursorColumn: promptWidth, hiddenLeft: false,
                                 hiddenRight: false, length: nil)
        }
        let length = self.length
        let reserved = length.isShown ? DisplayWidth.of(length.text) + 1 : 0
        let line = editor.view(width: max(1, width - promptWidth - reserved))
        return InputLineView(prompt: prompt, text: line.text, cursorColumn: promptWidth + line.cursorColumn,
                             hiddenLeft: line.hiddenLeft, hiddenRight: line.hiddenRight,
                             length: length.isShown ? length : nil)
    }
}
