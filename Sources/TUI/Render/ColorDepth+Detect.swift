/// What `--color` asked for.
public enum ColorOption: String, Sendable, CaseIterable {
    /// Use what the terminal says it can show (`NO_COLOR` and `TERM=dumb` turn colour off).
    case auto
    /// Colour even where the environment says not to: at least 16 colours.
    case always
    /// No colour at all: mono, emphasis by attributes only.
    case never
}

extension ColorDepth {
    /// The depth to draw with, from terminfo's colour count (`tigetnum("colors")`, -1 or 0 when absent),
    /// the environment and `--color`.
    ///
    /// | input                                   | depth      |
    /// |-----------------------------------------|------------|
    /// | `--color never`                         | mono       |
    /// | `NO_COLOR` set and non-empty (auto)     | mono       |
    /// | `TERM=dumb` (auto)                      | mono       |
    /// | `COLORTERM=truecolor` or `24bit`        | truecolor  |
    /// | terminfo colors ≥ 256                   | indexed256 |
    /// | terminfo colors ≥ 8                     | ansi16     |
    /// | otherwise                               | mono       |
    /// | `--color always`                        | at least ansi16 |
    public static func detect(terminfoColors: Int, environment: [String: String], option: ColorOption) -> ColorDepth {
        if option == .never { return .mono }
        if option == .auto {
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .mono }
            if environment["TERM"] == "dumb" { return .mono }
        }
        let found: ColorDepth
        switch environment["COLORTERM"]?.lowercased() {
        case "truecolor", "24bit": found = .truecolor
        default:
            if terminfoColors >= 256 { found = .indexed256 } else if terminfoColors >= 8 { found = .ansi16 } else { found = .mono }
        }
        return option == .always ? max(found, .ansi16) : found
    }
}
