/// Mapping colours down to what a terminal can show: `#rrggbb` → nearest xterm-256 index → nearest of the 16.
extension Color {
    /// This colour as the terminal at `depth` can show it (`default` in mono).
    public func resolved(for depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _), (_, .truecolor): return self
        case (_, .mono): return .default
        case (.rgb(let r, let g, let b), .indexed256): return .indexed(Color.nearest256(r, g, b))
        case (.indexed, .indexed256): return self
        case (.rgb(let r, let g, let b), .ansi16): return .indexed(Color.nearest16(r, g, b))
        case (.indexed(let i), .ansi16):
            if i < 16 { return self }
            let (r, g, b) = Color.rgbOf(index: i)
            return .indexed(Color.nearest16(r, g, b))
        }
    }

    /// The six levels of each axis of xterm's 6×6×6 colour cube (indexes 16–231).
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// xterm's default RGB for the 16 ANSI colours.
    static let ansiPalette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The RGB xterm shows for an index.
    static func rgbOf(index: UInt8) -> (UInt8, UInt8, UInt8) {
        let i = Int(index)
        if i < 16 { let c = ansiPalette[i]; return (UInt8(c.0), UInt8(c.1), UInt8(c.2)) }
        if i >= 232 { let v = UInt8(8 + 10 * (i - 232)); return (v, v, v) }
        let n = i - 16
        return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[(n / 6) % 6]), UInt8(cubeLevels[n % 6]))
    }

    /// The nearest cube or grey-ramp index (16–255) to an RGB colour.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(l - Int(v)) < abs(cubeLevels[best] - Int(v)) { best = i }
            return best
        }
        let cube = UInt8(16 + 36 * level(r) + 6 * level(g) + level(b))
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (average - 3) / 10))
        let grey = UInt8(232 + greyStep)
        return distance(rgbOf(index: grey), (r, g, b)) < distance(rgbOf(index: cube), (r, g, b)) ? grey : cube
    }

    /// The nearest of the 16 ANSI colours to an RGB colour.
    static func nearest16(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for (i, c) in ansiPalette.enumerated() {
            let d = distance((UInt8(c.0), UInt8(c.1), UInt8(c.2)), (r, g, b))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}

extension Style {
    /// This style as the terminal at `depth` can show it. In mono every colour becomes `default`; a style that
    /// stood out by its background becomes reverse video, so highlighted text stays highlighted.
    public func resolved(for depth: ColorDepth) -> Style {
        var out = Style(foreground: foreground.resolved(for: depth), background: background.resolved(for: depth),
                        attributes: attributes)
        if depth == .mono && background != .default { out.attributes.insert(.reverse) }
        return out
    }
}
