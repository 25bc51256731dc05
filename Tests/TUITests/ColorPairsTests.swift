import Testing
@testable import TUI

@Suite("ColorPairCache: pairs allocated on demand, de-duplicated, bounded")
struct ColorPairCacheTests {
    typealias Key = ColorPairCache.Key

    @Test("the default pair is pair 0 and never allocated")
    func defaultPair() {
        var cache = ColorPairCache(terminalPairs: 256)
        #expect(cache.pair(for: Key(foreground: -1, background: -1)) == .cached(0))
        #expect(cache.count == 0)
    }

    @Test("a pair is allocated once, then found again")
    func deduplicated() {
        var cache = ColorPairCache(terminalPairs: 256)
        #expect(cache.pair(for: Key(foreground: 1, background: -1)) == .new(1))
        #expect(cache.pair(for: Key(foreground: 2, background: -1)) == .new(2))
        #expect(cache.pair(for: Key(foreground: 1, background: -1)) == .cached(1))
        #expect(cache.pair(for: Key(foreground: -1, background: 1)) == .new(3))
        #expect(cache.count == 3)
    }

    @Test("when every pair is taken the cache starts over from pair 1")
    func restartsWhenFull() {
        var cache = ColorPairCache(terminalPairs: 4)   // pairs 1…3 usable
        #expect(cache.capacity == 3)
        for fg in 0..<3 { #expect(cache.pair(for: Key(foreground: Int32(fg), background: -1)) == .new(Int32(fg + 1))) }
        #expect(cache.pair(for: Key(foreground: 9, background: -1)) == .restarted(1))
        #expect(cache.count == 1)
        #expect(cache.pair(for: Key(foreground: 0, background: -1)) == .new(2))
    }

    @Test("capacity is bounded by maxPairs whatever the terminal offers")
    func bounded() {
        #expect(ColorPairCache(terminalPairs: 65536).capacity == ColorPairCache.maxPairs)
        var none = ColorPairCache(terminalPairs: 0)
        #expect(none.capacity == 0)
        #expect(none.pair(for: Key(foreground: 3, background: 4)) == .cached(0))
    }
}

@Suite("TerminalColors: theme colours mapped to what the terminal has")
struct TerminalColorsTests {
    static let xterm256 = TerminalColors(count: 256, isDirect: false)
    static let direct = TerminalColors(count: 1 << 24, isDirect: true)

    @Test("default stays the terminal's default; indexes within range pass through")
    func passThrough() {
        #expect(Self.xterm256.number(for: .default) == -1)
        #expect(Self.xterm256.number(for: .indexed(200)) == 200)
        #expect(TerminalColors(count: 16, isDirect: false).number(for: .indexed(9)) == 9)
    }

    @Test("truecolor degrades to the nearest of 256 (cube or grey ramp)")
    func rgbTo256() {
        #expect(Self.xterm256.number(for: .rgb(255, 0, 0)) == 196)
        #expect(Self.xterm256.number(for: .rgb(0, 0, 0)) == 16)
        #expect(Self.xterm256.number(for: .rgb(128, 128, 128)) == 244)
        #expect(Self.xterm256.number(for: .rgb(95, 135, 175)) == 67)
    }

    @Test("256 colours and RGB degrade to the 16 ANSI colours, and to 8")
    func to16() {
        let ansi = TerminalColors(count: 16, isDirect: false)
        #expect(ansi.number(for: .rgb(250, 10, 10)) == 9)
        #expect(ansi.number(for: .indexed(196)) == 9)
        #expect(ansi.number(for: .indexed(231)) == 15)
        let eight = TerminalColors(count: 8, isDirect: false)
        #expect(eight.number(for: .rgb(250, 10, 10)) == 1)
    }

    @Test("direct colour packs RGB; ANSI 0–7 stay ANSI, higher indexes become their RGB value")
    func directColour() {
        #expect(Self.direct.number(for: .rgb(0x12, 0x34, 0x56)) == 0x123456)
        #expect(Self.direct.number(for: .rgb(0, 0, 1)) == 8)   // never read as an ANSI number
        #expect(Self.direct.number(for: .indexed(3)) == 3)
        #expect(Self.direct.number(for: .indexed(196)) == 0xFF0000)
    }

    @Test("a depth limit caps the terminal; mono means no colour at all")
    func limited() {
        #expect(Self.direct.limited(to: .indexed256) == Self.xterm256)
        #expect(Self.direct.limited(to: .ansi16) == TerminalColors(count: 16, isDirect: false))
        #expect(Self.direct.limited(to: .mono).number(for: .rgb(1, 2, 3)) == -1)
        #expect(Self.xterm256.limited(to: .truecolor) == Self.xterm256)
    }
}
