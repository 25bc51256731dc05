/// A colour as a theme names it. The terminal layer maps it to what the terminal can show (`ColorDepth`).
public enum Color: Hashable, Sendable {
    /// The terminal's own default foreground or background.
    case `default`
    /// One of the 256 indexed colours (0–15 are the 16 ANSI colours).
    case indexed(UInt8)
    /// 24-bit colour, shown as is on truecolor terminals and as the nearest indexed colour elsewhere.
    case rgb(UInt8, UInt8, UInt8)
}

/// What a terminal can show, best first. Chosen from terminfo, `COLORTERM`, `NO_COLOR` and `--color`.
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
    case mono = 0, ansi16 = 16, indexed256 = 256, truecolor = 16_777_216

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }
}

/// Text attributes a terminal may render.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1 << 0)
    public static let dim = Attributes(rawValue: 1 << 1)
    public static let underline = Attributes(rawValue: 1 << 2)
    public static let reverse = Attributes(rawValue: 1 << 3)
    public static let italic = Attributes(rawValue: 1 << 4)
}

/// How one run of text looks: colours and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(foreground: Color = .default, background: Color = .default, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()
}
