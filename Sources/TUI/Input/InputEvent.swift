/// One thing the user did at the keyboard or mouse, decoded from stdin's bytes by `KeyDecoder`.
///
/// Text arrives as `.text` (one or more printable characters); Ctrl-letter chords as `.ctrl("a")`; Alt (Meta)
/// with a printable character as `.alt("b")`; everything else that has a name (Enter, arrows, F-keys…) as
/// `.key(_, modifiers)`. A bracketed paste is one `.paste` event, never a stream of keys.
public enum InputEvent: Hashable, Sendable {
    /// Printable text typed at the keyboard (never a control character).
    case text(String)
    /// A named key with the modifiers the terminal reported (`ESC [ 1 ; 5 D` is Ctrl-Left).
    case key(Key, Modifiers)
    /// Ctrl with a letter or one of `@ \ ] ^ _` (lowercase letters: `.ctrl("a")` for byte 0x01).
    case ctrl(Character)
    /// Alt (Meta, sent as ESC + character) with a printable character.
    case alt(Character)
    /// A bracketed paste, verbatim (newlines and escape bytes kept); `truncated` when it went over
    /// `KeyDecoder.maxPasteBytes` and the excess was dropped.
    case paste(String, truncated: Bool)
    /// A mouse report (SGR or X10 encoding).
    case mouse(MouseEvent)

    public static let enter = InputEvent.key(.enter, [])
    public static let tab = InputEvent.key(.tab, [])
    public static let backTab = InputEvent.key(.tab, .shift)
    public static let backspace = InputEvent.key(.backspace, [])
    public static let escape = InputEvent.key(.escape, [])

    /// A paste that was not cut.
    public static func paste(_ text: String) -> InputEvent { .paste(text, truncated: false) }
    /// A key without modifiers.
    public static func key(_ key: Key) -> InputEvent { .key(key, []) }
}

/// Keys with a name; F-keys carry their number (1–12).
public enum Key: Hashable, Sendable {
    case enter, tab, backspace, escape
    case up, down, left, right
    case home, end, insert, delete, pageUp, pageDown
    case function(Int)
}

/// Modifier keys as xterm reports them: parameter `m` in `ESC [ 1 ; m X` is 1 + the sum of these bits.
public struct Modifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let shift = Modifiers(rawValue: 1)
    public static let alt = Modifiers(rawValue: 2)
    public static let ctrl = Modifiers(rawValue: 4)

    /// From xterm's modifier parameter (2 = Shift, 3 = Alt, 5 = Ctrl, …); Meta (8) counts as Alt.
    init(xtermParameter m: Int) {
        let bits = max(0, m - 1)
        var mods: Modifiers = []
        if bits & 1 != 0 { mods.insert(.shift) }
        if bits & 2 != 0 || bits & 8 != 0 { mods.insert(.alt) }
        if bits & 4 != 0 { mods.insert(.ctrl) }
        self = mods
    }
}

/// A mouse report; columns and rows start at 0 (the terminal counts from 1).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case press(button: Int)   // 1 left, 2 middle, 3 right
        case release
        case wheelUp, wheelDown
    }

    public var kind: Kind
    public var column: Int
    public var row: Int
    public var modifiers: Modifiers

    public init(_ kind: Kind, column: Int, row: Int, modifiers: Modifiers = []) {
        self.kind = kind
        self.column = column
        self.row = row
        self.modifiers = modifiers
    }
}
