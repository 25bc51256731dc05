import Testing
@testable import TUI

@Suite("KeyDecoder: terminal bytes to events, the same for every chunking")
struct KeyDecoderTests {
    static let esc = "\u{1B}"

    @Test("text, UTF-8 and control keys", arguments: [
        ("hello", [InputEvent.text("hello")]),
        ("héllo 世界 👩‍💻", [.text("héllo 世界 👩‍💻")]),
        ("e\u{301}", [.text("e\u{301}")]),
        ("a\rb\nc", [.text("a"), .enter, .text("b"), .enter, .text("c")]),
        ("\t", [.tab]),
        ("\u{7F}\u{08}", [.backspace, .backspace]),
        ("\u{01}\u{05}\u{0B}\u{15}\u{17}\u{19}\u{1A}", [.ctrl("a"), .ctrl("e"), .ctrl("k"), .ctrl("u"), .ctrl("w"),
                                                       .ctrl("y"), .ctrl("z")]),
        ("\u{00}\u{1C}\u{1F}", [.ctrl("@"), .ctrl("\\"), .ctrl("_")]),
    ])
    func plain(input: String, expected: [InputEvent]) {
        #expect(KeyChunking.decode(input) == expected)
    }

    @Test("invalid UTF-8 becomes U+FFFD, one per maximal subpart", arguments: [
        ([0x61, 0xFF, 0x62], "a\u{FFFD}b"),
        ([0xC3], ""),                                      // unfinished: kept, nothing yet
        ([0xC3, 0x41], "\u{FFFD}A"),                       // lead without continuation
        ([0xE4, 0xB8, 0x41], "\u{FFFD}A"),                 // 2 of 3 bytes, then ASCII
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // a surrogate is not allowed
        ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),   // above U+10FFFF
        ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),                // overlong
        ([0x80], "\u{FFFD}"),                              // lone continuation
        ([0xF0, 0x9F, 0x8E, 0x89], "🎉"),
    ] as [([UInt8], String)])
    func invalidUTF8(bytes: [UInt8], expected: String) {
        #expect(KeyChunking.decode(bytes) == (expected.isEmpty ? [] : [.text(expected)]))
    }

    @Test("an escape sequence ends an unfinished UTF-8 sequence")
    func escapeAfterPartialUTF8() {
        #expect(KeyChunking.decode([0xE4, 0xB8] + Array("\u{1B}[A".utf8)) == [.text("\u{FFFD}"), .key(.up)])
    }

    @Test("CSI and SS3 keys", arguments: [
        ("\(esc)[A", InputEvent.key(.up)), ("\(esc)[B", .key(.down)), ("\(esc)[C", .key(.right)),
        ("\(esc)[D", .key(.left)), ("\(esc)[H", .key(.home)), ("\(esc)[F", .key(.end)),
        ("\(esc)OA", .key(.up)), ("\(esc)OD", .key(.left)), ("\(esc)OH", .key(.home)), ("\(esc)OF", .key(.end)),
        ("\(esc)OP", .key(.function(1))), ("\(esc)OS", .key(.function(4))), ("\(esc)OM", .enter),
        ("\(esc)[1;3D", .key(.left, .alt)), ("\(esc)[1;5D", .key(.left, .ctrl)), ("\(esc)[1;2A", .key(.up, .shift)),
        ("\(esc)[1;5C", .key(.right, .ctrl)), ("\(esc)[1;3C", .key(.right, .alt)), ("\(esc)[1;7H", .key(.home, [.ctrl, .alt])),
        ("\(esc)[1;9A", .key(.up, .alt)), ("\(esc)[1;5H", .key(.home, .ctrl)), ("\(esc)[1;5F", .key(.end, .ctrl)),
        ("\(esc)[Z", .backTab), ("\(esc)[1;2P", .key(.function(1), .shift)),
        ("\(esc)[1~", .key(.home)), ("\(esc)[7~", .key(.home)), ("\(esc)[4~", .key(.end)), ("\(esc)[8~", .key(.end)),
        ("\(esc)[2~", .key(.insert)), ("\(esc)[3~", .key(.delete)), ("\(esc)[5~", .key(.pageUp)),
        ("\(esc)[6~", .key(.pageDown)), ("\(esc)[5;2~", .key(.pageUp, .shift)), ("\(esc)[3;5~", .key(.delete, .ctrl)),
        ("\(esc)[11~", .key(.function(1))), ("\(esc)[15~", .key(.function(5))), ("\(esc)[17~", .key(.function(6))),
        ("\(esc)[21~", .key(.function(10))), ("\(esc)[23~", .key(.function(11))), ("\(esc)[24~", .key(.function(12))),
    ])
    func sequences(input: String, expected: InputEvent) {
        #expect(KeyChunking.decode("a" + input + "b") == [.text("a"), expected, .text("b")])
    }

    @Test("Alt with a character, Enter, Backspace", arguments: [
        ("\(esc)b", InputEvent.alt("b")), ("\(esc)F", .alt("F")), ("\(esc)1", .alt("1")), ("\(esc).", .alt(".")),
        ("\(esc)é", .alt("é")), ("\(esc)\r", .key(.enter, .alt)), ("\(esc)\u{7F}", .key(.backspace, .alt)),
        ("\(esc)\u{01}", .ctrl("a")),
    ])
    func alt(input: String, expected: InputEvent) {
        #expect(KeyChunking.decode(input) == [expected])
    }

    @Test("ESC before an escape sequence adds Alt (rxvt)", arguments: [
        ("\(esc)\(esc)[D", [InputEvent.key(.left, .alt)]), ("\(esc)\(esc)[1;5C", [.key(.right, [.ctrl, .alt])]),
        ("\(esc)\(esc)OA", [.key(.up, .alt)]), ("\(esc)\(esc)[5~", [.key(.pageUp, .alt)]),
        ("\(esc)\(esc)[D\(esc)[D", [.key(.left, .alt), .key(.left)]),
        ("\(esc)\(esc)[200~x\(esc)[201~", [.paste("x")]),
    ])
    func altSequence(input: String, expected: [InputEvent]) {
        #expect(KeyChunking.decode(input) == expected)
    }

    @Test("ESCs on their own are Escape keys once the input pauses", arguments: [1, 2, 3])
    func escapes(count: Int) {
        #expect(KeyChunking.decode(String(repeating: Self.esc, count: count), flush: true)
                == Array(repeating: .escape, count: count))
    }

    @Test("a lone ESC waits for flushPending; then it is Escape")
    func loneEscape() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.hasPendingEscape)
        #expect(decoder.flushPending() == [.escape])
        #expect(!decoder.hasPendingEscape)
        #expect(decoder.feed(Array("x".utf8)) == [.text("x")])
        #expect(KeyChunking.decode("\(Self.esc)\(Self.esc)x") == [.escape, .alt("x")])
    }

    @Test("flushPending ends unfinished sequences", arguments: [
        ("\(esc)[", [InputEvent.alt("[")]), ("\(esc)O", [.alt("O")]), ("\(esc)[1;", []), ("\(esc)[<0;1", []),
        ("\(esc)[M!", []), ("x", [.text("x")]),
    ])
    func flush(input: String, expected: [InputEvent]) {
        #expect(KeyChunking.decode(input, flush: true) == expected)
        var decoder = KeyDecoder()
        _ = decoder.feed(Array(input.utf8))
        _ = decoder.flushPending()
        #expect(!decoder.hasPendingEscape)
        #expect(decoder.feed(Array("z".utf8)) == [.text("z")])
    }

    @Test("unknown and malformed sequences are dropped, never inserted", arguments: [
        "\(esc)[99~", "\(esc)[?1;2c", "\(esc)[>0;1;2c", "\(esc)[I", "\(esc)[O", "\(esc)[1:2A", "\(esc)[5;x",
        "\(esc)[201~", "\(esc)[E", "\(esc)Ox", "\(esc)[12345678901~", "\(esc)[<64;0;1M", "\(esc)[<1;2M",
    ])
    func dropped(input: String) {
        #expect(KeyChunking.decode("a" + input + "b") == [.text("ab")])
    }

    @Test("a control byte inside a sequence ends it and is read as a key")
    func interrupted() {
        #expect(KeyChunking.decode("\(Self.esc)[1;\rx") == [.enter, .text("x")])
        #expect(KeyChunking.decode("\(Self.esc)[1\(Self.esc)[A") == [.key(.up)])
    }

    @Test("an over-long sequence is swallowed up to its final byte without being stored")
    func overlong() {
        let long = "\(Self.esc)[" + String(repeating: "1;", count: 200) + "A"
        #expect(KeyChunking.decode(long + "ok") == [.text("ok")])
        var decoder = KeyDecoder()
        _ = decoder.feed(Array(("\(Self.esc)[" + String(repeating: "9", count: 10_000)).utf8))
        #expect(decoder.state == .discard)
        #expect(decoder.feed(Array("~b".utf8)) == [.text("b")])
    }

    @Test("the longest kept sequence is still decoded")
    func atLimit() {
        let params = String(repeating: "0", count: KeyDecoder.maxSequenceLength - 1) + "5~"   // 32 parameter bytes
        #expect(KeyChunking.decode("\(Self.esc)[" + params) == [.key(.pageUp)])
        #expect(KeyChunking.decode("\(Self.esc)[0" + params + "x") == [.text("x")])
    }
}
