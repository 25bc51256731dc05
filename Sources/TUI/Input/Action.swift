/// What a key does, before it is applied: `Keymap` maps `InputEvent`s to these, `InputModel` applies them.
public enum Action: Hashable, Sendable {
    case edit(EditAction)
    case submit
    case historyPrevious, historyNext
    case complete, completeBackward
    case scroll(Scroll)
    case switchRoom(RoomSwitch)
    case redraw
    case quit
    /// Escape: ends a completion cycle, declines a paste confirmation.
    case cancel
}

/// A change to the input line (`LineEditor`'s commands).
public enum EditAction: Hashable, Sendable {
    case insert(String)
    case deleteBackward, deleteForward
    case left, right, home, end, wordLeft, wordRight
    case killToEnd, killToStart, killWordBackward, killWordForward
    case yank
}

/// Scrolling the message pane.
public enum Scroll: Hashable, Sendable {
    case pageUp, pageDown
    case linesUp(Int), linesDown(Int)
    case top, bottom
}

/// Which room window to show.
public enum RoomSwitch: Hashable, Sendable {
    case next, previous
    /// Window 1…9 (Alt-1…9), counted from 1.
    case number(Int)
}
