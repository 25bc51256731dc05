/// What the App must do after a key (`InputModel.handle`).
public enum InputOutcome: Hashable, Sendable {
    /// A line to run: text for the room or a `/command` (parse it with `CommandTable.parse`).
    case submit(String)
    /// A paste of several lines arrived; the model now asks "Send N lines? (y/n)" in its prompt.
    case confirmPaste(lines: [String])
    /// The user answered yes: send these lines, in order (each within the length limit).
    case submitLines([String])
    case scroll(Scroll)
    case switchRoom(RoomSwitch)
    case redraw
    case quit
    /// A refused action (nothing to delete, no completion, a line over the limit): ring the terminal bell.
    case bell
    /// A one-line explanation for the message pane.
    case notice(String)
}

/// The line's UTF-8 length against the App's limit (a chat message's content: 16 KiB), shown from
/// `shownFromPercent` of the limit on, flagged when over it.
public struct LengthIndicator: Hashable, Sendable {
    /// The indicator appears when the line reaches this share of the limit.
    public static let shownFromPercent = 80

    public var bytes: Int
    public var limit: Int

    public var isShown: Bool { bytes * 100 >= limit * Self.shownFromPercent }
    public var isOver: Bool { bytes > limit }
    /// `13200/16384`.
    public var text: String { "\(bytes)/\(limit)" }
}

/// What the input line shows, laid out for a width (the views draw it; the terminal puts its cursor at
/// `cursorColumn`).
public struct InputLineView: Hashable, Sendable {
    /// The prompt, first on the line (the App's text, e.g. the room; sanitise anything from peers).
    public var prompt: String
    /// The visible part of the line, after the prompt.
    public var text: String
    /// The cursor's column from the start of the line (prompt included).
    public var cursorColumn: Int
    public var hiddenLeft: Bool
    public var hiddenRight: Bool
    /// Right-aligned length indicator, when shown (its text fits in the columns the text left free).
    public var length: LengthIndicator?
}
