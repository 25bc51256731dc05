import Testing
@testable import TUI

@Suite("Colour depth: detection and degradation")
struct ColorDepthTests {
    @Test("detection table", arguments: [
        (256, ["TERM": "xterm-256color"], ColorOption.auto, ColorDepth.indexed256),
        (256, ["TERM": "xterm-256color", "COLORTERM": "truecolor"], .auto, .truecolor),
        (8, ["TERM": "xterm", "COLORTERM": "24bit"], .auto, .truecolor),
        (8, ["TERM": "xterm"], .auto, .ansi16),
        (16, ["TERM": "rxvt"], .auto, .ansi16),
        (2, ["TERM": "vt100"], .auto, .mono),
        (-1, [:], .auto, .mono),
        (256, ["TERM": "xterm-256color", "NO_COLOR": "1"], .auto, .mono),
        (256, ["TERM": "xterm-256color", "NO_COLOR": ""], .auto, .indexed256),   // empty NO_COLOR is not set
        (256, ["TERM": "dumb"], .auto, .mono),
        (256, ["TERM": "xterm-256color", "COLORTERM": "truecolor"], .never, .mono),
        (-1, ["TERM": "dumb", "NO_COLOR": "1"], .always, .ansi16),
        (256, ["NO_COLOR": "1"], .always, .indexed256),
        (8, ["COLORTERM": "truecolor", "NO_COLOR": "1"], .always, .truecolor),
    ])
    func detect(colors: Int, environment: [String: String], option: ColorOption, expected: ColorDepth) {
        #expect(ColorDepth.detect(terminfoColors: colors, environment: environment, option: option) == expected)
    }

    @Test("#rrggbb maps to the nearest xterm-256 index, then to the nearest of 16", arguments: [
        ((255, 0, 0), 196, 9),
        ((0, 0, 0), 16, 0),
        ((255, 255, 255), 231, 15),
        ((128, 128, 128), 244, 8),     // grey ramp beats the cube
        ((95, 135, 175), 67, 8),
        ((0, 205, 0), 40, 2),
        ((48, 48, 48), 236, 0),
    ] as [((UInt8, UInt8, UInt8), UInt8, UInt8)])
    func degrade(rgb: (UInt8, UInt8, UInt8), index256: UInt8, index16: UInt8) {
        let color = Color.rgb(rgb.0, rgb.1, rgb.2)
        #expect(color.resolved(for: .truecolor) == color)
        #expect(color.resolved(for: .indexed256) == .indexed(index256))
        #expect(color.resolved(for: .ansi16) == .indexed(index16))
        #expect(Color.indexed(index256).resolved(for: .ansi16) == .indexed(index16))
        #expect(color.resolved(for: .mono) == .default)
    }

    @Test("indexed colours below 16 stay; default stays everywhere")
    func indexedStays() {
        #expect(Color.indexed(3).resolved(for: .ansi16) == .indexed(3))
        #expect(Color.indexed(200).resolved(for: .indexed256) == .indexed(200))
        for depth in ColorDepth.allCases { #expect(Color.default.resolved(for: depth) == .default) }
    }

    @Test("mono: colours drop, a background highlight becomes reverse video")
    func monoStyle() {
        let highlighted = Style(foreground: .indexed(15), background: .rgb(95, 0, 135), attributes: .bold)
        #expect(highlighted.resolved(for: .mono) == Style(attributes: [.bold, .reverse]))
        #expect(Style(foreground: .indexed(1)).resolved(for: .mono) == .plain)
    }
}
