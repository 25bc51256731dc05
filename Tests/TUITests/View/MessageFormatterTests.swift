import Testing
@testable import TUI

/// The text of a row, spans joined.
func text(_ row: Row) -> String { row.spans.map(\.text).joined() }

@Suite("MessageFormatter: entries to rows")
struct MessageFormatterTests {
    // 2026-11-24 13:05:00 UTC
    static let t0: Int64 = 1_795_525_500
    var theme: Theme = {
        var theme = Theme(name: "test")
        theme.nickPalette = (1...8).map { Style(foreground: .indexed(UInt8($0))) }
        theme.ownNick = Style(foreground: .indexed(15), attributes: .bold)
        theme.mention = Style(foreground: .indexed(11), attributes: .reverse)
        theme.system = Style(attributes: .dim)
        return theme
    }()

    func formatter(now: Int64 = t0, offset: Int = 0) -> MessageFormatter {
        MessageFormatter(theme: theme, ownNick: "alice", now: now, utcOffset: offset)
    }

    func entry(_ text: String, kind: ChatEntry.Kind = .message, key: String = "12D3KooWBob", label: String = "bob·77c1",
               at time: Int64 = t0, own: Bool = false) -> ChatEntry {
        ChatEntry(id: "1", room: "r", kind: kind, authorKey: key, authorLabel: label, text: text, timestamp: time, isOwn: own)
    }

    @Test("message, action, join, leave, info and error lines")
    func kinds() {
        let f = formatter()
        #expect(f.rows(for: entry("hi"), width: 80).map(text) == ["13:05 <bob·77c1> hi"])
        #expect(f.rows(for: entry("waves", kind: .action), width: 80).map(text) == ["13:05 * bob·77c1 waves"])
        let join = f.rows(for: entry("", kind: .join), width: 80)
        #expect(join.map(text) == ["13:05 → bob·77c1 joined"])
        #expect(join[0].spans.last?.style == theme.system)
        #expect(f.rows(for: entry("", kind: .leave), width: 80).map(text) == ["13:05 ← bob·77c1 left"])
        #expect(f.rows(for: entry("joined room dev", kind: .info), width: 80).map(text) == ["13:05 -- joined room dev"])
        #expect(f.rows(for: entry("unknown command", kind: .error), width: 80)[0].spans.last?.style == theme.error)
    }

    @Test("the date is shown only when the entry is not from today, in the local offset")
    func dates() {
        let f = formatter()
        #expect(f.timeText(MessageFormatterTests.t0 - 13 * 3600) == "00:05")
        #expect(f.timeText(MessageFormatterTests.t0 - 14 * 3600) == "Nov 23 23:05")
        #expect(f.timeText(MessageFormatterTests.t0 - 365 * 86_400) == "2025-11-24 13:05")
        // At UTC+11 it is already the 25th: 13:05 UTC is 00:05 local, the 24th's 12:00 UTC is yesterday.
        let east = formatter(offset: 11 * 3600)
        #expect(east.timeText(MessageFormatterTests.t0) == "00:05")
        #expect(east.timeText(MessageFormatterTests.t0 - 3900) == "Nov 24 23:00")
        #expect(formatter(offset: -5 * 3600).timeText(MessageFormatterTests.t0) == "08:05")
        #expect(MessageFormatter.civil(fromDays: 0) == (1970, 1, 1))
        #expect(MessageFormatter.civil(fromDays: -1) == (1969, 12, 31))
        #expect(MessageFormatter.civil(fromDays: 19_782) == (2024, 2, 29))
    }

    @Test("nick colour comes from the PeerID, not the nick: an impostor looks different")
    func colourFromPeerID() {
        let f = formatter()
        let keys = (0..<40).map { "12D3KooWPeer\($0)" }
        let real = f.rows(for: entry("hi", key: keys[0], label: "bob·77c1"), width: 80)[0].spans[1].style
        let impostor = keys.dropFirst().first { MessageFormatter.paletteStyle(for: $0, in: theme) != real }!
        #expect(f.rows(for: entry("hi", key: impostor, label: "bob·77c1"), width: 80)[0].spans[1].style != real)
        #expect(f.rows(for: entry("hi", key: keys[0], label: "mallory·0000"), width: 80)[0].spans[1].style == real)
        #expect(Set(keys.map { MessageFormatter.paletteStyle(for: $0, in: theme) }).count > 4)   // spread over the palette
        #expect(f.rows(for: entry("hi", label: "alice·3fa9", own: true), width: 80)[0].spans[1].style == theme.ownNick)
    }

    @Test("mentions: whole word, any case; highlighted in others' messages", arguments: [
        ("hi alice", true), ("ALICE: look", true), ("@Alice!", true), ("(alice)", true), ("alice", true),
        ("malice", false), ("alice2", false), ("alice_", false), ("alicé", false), ("al ice", false), ("", false),
    ])
    func mentions(text: String, expected: Bool) {
        #expect(MessageFormatter.mentions(nick: "alice", in: text) == expected)
    }

    @Test("a mention is drawn in the mention style, the rest in the text style")
    func mentionHighlight() {
        let row = formatter().rows(for: entry("hey Alice, and alice"), width: 80)[0]
        #expect(row.spans.filter { $0.style == theme.mention }.map(\.text) == ["Alice", "alice"])
        #expect(formatter().rows(for: entry("I am alice", own: true), width: 80)[0].spans.allSatisfy { $0.style != theme.mention })
    }

    @Test("wrapping with a hanging indent under the text")
    func hangingIndent() {
        let rows = formatter().rows(for: entry("one two three four five six"), width: 30)
        #expect(rows.map(text) == ["13:05 <bob·77c1> one two three", "                 four five six"])
        #expect(rows.allSatisfy { $0.width <= 30 })
    }

    @Test("narrow widths: no indent when the prefix is more than half the row; width 1 still fits")
    func narrow() {
        let rows = formatter().rows(for: entry("hello world"), width: 20)
        #expect(rows.map(text) == ["13:05 <bob·77c1>", "hello world"])
        for width in [1, 2, 3, 5, 8] {
            let rows = formatter().rows(for: entry("世界 supercalifragilistic 🎉 ok"), width: width)
            #expect(rows.allSatisfy { $0.width <= width }, "width \(width)")
        }
    }

    @Test("wide characters at the edge move to the next row; a long word breaks hard")
    func wideAndLong() {
        let rows = formatter().rows(for: entry("世界世界世界世界世界世界世界"), width: 30)
        #expect(rows.map(text) == ["13:05 <bob·77c1> 世界世界世界", "                 世界世界世界", "                 世界"])
        let long = formatter().rows(for: entry(String(repeating: "x", count: 30)), width: 30)
        #expect(long.map(text) == ["13:05 <bob·77c1> " + String(repeating: "x", count: 13),
                                   "                 " + String(repeating: "x", count: 13),
                                   "                 xxxx"])
    }

    @Test("peer text and labels are sanitised before they are measured")
    func sanitised() {
        let rows = formatter().rows(for: entry("\u{1B}[2Jboom", label: "ev\u{7}il"), width: 80)
        #expect(rows.map(text) == ["13:05 <ev^Gil> ^[[2Jboom"])
    }
}

@Suite("MessageFormatter: what makes a reflow")
struct MessageFormatterReflowTests {
    @Test("a new clock within the day formats alike; a new day, theme or nick does not")
    func formatsLike() {
        let base = MessageFormatter(theme: .plain, ownNick: "alice", now: MessageFormatterTests.t0)
        var later = base
        later.now += 3600
        #expect(base.formatsLike(later))
        later.now += 86_400
        #expect(!base.formatsLike(later))
        var renamed = base
        renamed.ownNick = "alicia"
        #expect(!base.formatsLike(renamed))
        #expect(!base.formatsLike(MessageFormatter(theme: ThemeLoader.defaultTheme, ownNick: "alice", now: MessageFormatterTests.t0)))
    }

    @Test("an entry the App marked as mentioning us has its time highlighted")
    func mentionedTime() {
        let theme = ThemeLoader.defaultTheme
        let f = MessageFormatter(theme: theme, ownNick: "alice", now: MessageFormatterTests.t0)
        var entry = ChatEntry(id: "1", room: "r", authorKey: "k", authorLabel: "bob", text: "hi all", timestamp: MessageFormatterTests.t0)
        #expect(f.rows(for: entry, width: 80)[0].spans[0].style == theme.timestamp)
        entry.mentionsMe = true
        #expect(f.rows(for: entry, width: 80)[0].spans[0].style == theme.mention)
    }
}
