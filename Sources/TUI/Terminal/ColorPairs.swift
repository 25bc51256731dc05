/// What the terminal can draw, as terminfo says: how many colours, whether they are direct RGB values.
public struct TerminalColors: Hashable, Sendable {
    /// terminfo `colors` (ncurses `COLORS`), 0 when the terminal has none.
    public var count: Int
    /// Direct colour (`xterm-direct` and friends): colour numbers from 8 up are packed `0xRRGGBB` values.
    public var isDirect: Bool
    public init(count: Int, isDirect: Bool) {
        self.count = count
        self.isDirect = isDirect
    }

    public static let none = TerminalColors(count: 0, isDirect: false)

    /// The same terminal limited to `depth` (the user's `--color`, `NO_COLOR`, the theme's choice).
    public func limited(to depth: ColorDepth) -> TerminalColors {
        switch depth {
        case .mono: return .none
        case .ansi16: return TerminalColors(count: min(count, 16), isDirect: false)
        case .indexed256: return TerminalColors(count: min(count, 256), isDirect: false)
        case .truecolor: return self
        }
    }

    /// The terminal colour number for `color`: -1 for the terminal's default, else an index below `count`
    /// (or a packed RGB value on a direct-colour terminal). Colours the terminal lacks become the nearest it has.
    public func number(for color: Color) -> Int32 {
        guard count >= 8 else { return -1 }
        switch color {
        case .default: return -1
        case .indexed(let n):
            if isDirect {
                guard n >= 8 else { return Int32(n) }
                let (r, g, b) = Palette.rgb(ofIndex: n)
                return Self.packed(r, g, b)
            }
            if Int(n) < count { return Int32(n) }
            let (r, g, b) = Palette.rgb(ofIndex: n)
            return Int32(Palette.nearest(r, g, b, within: count))
        case .rgb(let r, let g, let b):
            if isDirect { return Self.packed(r, g, b) }
            return Int32(Palette.nearest(r, g, b, within: count))
        }
    }

    /// `0xRRGGBB`, kept above 7 (below 8 a direct-colour terminal reads the number as an ANSI colour).
    static func packed(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        max(8, Int32(r) << 16 | Int32(g) << 8 | Int32(b))
    }
}

/// The xterm 256-colour palette, for degrading RGB and high indexes to what a terminal has.
enum Palette {
    /// The 16 ANSI colours as xterm draws them.
    static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    /// The six levels of each axis of the 6×6×6 cube (indexes 16–231).
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    static func rgb(ofIndex n: UInt8) -> (UInt8, UInt8, UInt8) {
        switch n {
        case 0..<16: return ansi[Int(n)]
        case 16..<232:
            let i = Int(n) - 16
            return (UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[i / 6 % 6]), UInt8(cubeLevels[i % 6]))
        default:
            let level = UInt8(8 + 10 * (Int(n) - 232))
            return (level, level, level)
        }
    }

    /// The palette index below `count` (8, 16 or 256) closest to the colour, by squared distance.
    static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8, within count: Int) -> Int {
        if count >= 256 {
            // Cube and grey ramp candidates only: the ANSI 16 differ between terminals.
            let cube = 16 + 36 * nearestLevel(r) + 6 * nearestLevel(g) + nearestLevel(b)
            let average = (Int(r) + Int(g) + Int(b)) / 3
            let grey = 232 + min(23, max(0, (average - 3) / 10))
            return distance(rgb(ofIndex: UInt8(grey)), (r, g, b)) < distance(rgb(ofIndex: UInt8(cube)), (r, g, b)) ? grey : cube
        }
        let limit = min(16, max(8, count))
        var best = 0
        for i in 1..<limit where distance(ansi[i], (r, g, b)) < distance(ansi[best], (r, g, b)) { best = i }
        return best
    }

    private static func nearestLevel(_ v: UInt8) -> Int {
        var best = 0
        for i in 1..<cubeLevels.count where abs(cubeLevels[i] - Int(v)) < abs(cubeLevels[best] - Int(v)) { best = i }
        return best
    }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}

/// Colour pairs allocated on demand: each distinct (foreground, background) gets the next free pair number,
/// remembered so it is initialised once. Pair 0 is the terminal's default pair and is never handed out for
/// anything else. When every pair is taken the cache starts over (the caller repaints the whole screen,
/// since cells drawn with a re-initialised pair change colour).
public struct ColorPairCache {
    /// The most pairs ever allocated, whatever the terminal offers (a theme uses a few dozen).
    public static let maxPairs = 1024

    public struct Key: Hashable, Sendable {
        public var foreground: Int32
        public var background: Int32
        public init(foreground: Int32, background: Int32) {
            self.foreground = foreground
            self.background = background
        }
    }

    /// What `pair(for:)` did.
    public enum Allocation: Equatable, Sendable {
        /// Already allocated, or the default pair.
        case cached(Int32)
        /// A new pair: initialise it before use.
        case new(Int32)
        /// The cache was full and has been emptied; this is pair 1, newly allocated.
        case restarted(Int32)

        public var pair: Int32 {
            switch self { case .cached(let p), .new(let p), .restarted(let p): return p }
        }
    }

    /// Pairs usable besides pair 0.
    public let capacity: Int
    private var pairs: [Key: Int32] = [:]

    /// `terminalPairs`: ncurses `COLOR_PAIRS` (pair numbers 0 ..< terminalPairs).
    public init(terminalPairs: Int) {
        capacity = max(0, min(terminalPairs - 1, Self.maxPairs))
    }

    public var count: Int { pairs.count }

    public mutating func pair(for key: Key) -> Allocation {
        if key.foreground == -1 && key.background == -1 { return .cached(0) }
        if let pair = pairs[key] { return .cached(pair) }
        guard capacity > 0 else { return .cached(0) }
        var restarted = false
        if pairs.count >= capacity {
            pairs.removeAll(keepingCapacity: true)
            restarted = true
        }
        let pair = Int32(pairs.count + 1)
        pairs[key] = pair
        return restarted ? .restarted(pair) : .new(pair)
    }
}
