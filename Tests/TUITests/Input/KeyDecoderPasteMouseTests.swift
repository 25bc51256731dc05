import Testing
@testable import TUI

@Suite("KeyDecoder: bracketed paste and mouse reports")
struct KeyDecoderPasteMouseTests {
    static let esc = "\u{1B}"
    static func bracketed(_ text: String) -> String { "\(esc)[200~" + text + "\(esc)[201~" }

    @Test("a paste is one event, verbatim", arguments: [
        "hello", "two\nlines\r\nand CR\r", "embedded \(esc)[A arrow and \(esc) lone ESC", "\(esc)[20", "\(esc)[201",
        "\(esc)[2012~", "tabs\tand\u{7}bell", "世界 👩‍💻 e\u{301}", "",
    ])
    func paste(text: String) {
        #expect(KeyChunking.decode("a" + Self.bracketed(text) + "b") == [.text("a"), .paste(text), .text("b")])
    }

    @Test("an ESC right before the end marker is kept")
    func escapeBeforeEnd() {
        #expect(KeyChunking.decode(Self.bracketed("x\(Self.esc)\(Self.esc)")) == [.paste("x\(Self.esc)\(Self.esc)")])
    }

    @Test("a paste over the limit is cut at a character boundary and flagged")
    func oversized() {
        let limit = KeyDecoder.maxPasteBytes
        var decoder = KeyDecoder()
        var events = decoder.feed(Array("\(Self.esc)[200~".utf8))
        events += decoder.feed([UInt8](repeating: UInt8(ascii: "a"), count: limit - 1))
        events += decoder.feed(Array("é and more".utf8))   // é's 2 bytes straddle the limit
        events += decoder.feed(Array("\(Self.esc)[201~z".utf8))
        #expect(events == [.paste(String(repeating: "a", count: limit - 1), truncated: true), .text("z")])
    }

    @Test("a paste exactly at the limit is not flagged")
    func atLimit() {
        let text = String(repeating: "b", count: KeyDecoder.maxPasteBytes)
        var decoder = KeyDecoder()
        #expect(decoder.feed(Array(Self.bracketed(text).utf8)) == [.paste(text)])
    }

    @Test("invalid UTF-8 in a paste becomes U+FFFD")
    func invalidInPaste() {
        let bytes = Array("\(Self.esc)[200~".utf8) + [0x61, 0xFF] + Array("\(Self.esc)[201~".utf8)
        #expect(KeyChunking.decode(bytes) == [.paste("a\u{FFFD}")])
    }

    @Test("SGR mouse", arguments: [
        ("\(esc)[<64;10;5M", MouseEvent(.wheelUp, column: 9, row: 4)),
        ("\(esc)[<65;1;1M", MouseEvent(.wheelDown, column: 0, row: 0)),
        ("\(esc)[<0;3;4M", MouseEvent(.press(button: 1), column: 2, row: 3)),
        ("\(esc)[<2;3;4M", MouseEvent(.press(button: 3), column: 2, row: 3)),
        ("\(esc)[<0;3;4m", MouseEvent(.release, column: 2, row: 3)),
        ("\(esc)[<80;300;200M", MouseEvent(.wheelUp, column: 299, row: 199, modifiers: .ctrl)),
    ])
    func sgr(input: String, expected: MouseEvent) {
        #expect(KeyChunking.decode(input + "x") == [.mouse(expected), .text("x")])
    }

    @Test("SGR motion and horizontal wheel are dropped", arguments: ["\(esc)[<32;1;1M", "\(esc)[<66;1;1M", "\(esc)[<0;1M"])
    func sgrDropped(input: String) {
        #expect(KeyChunking.decode(input + "x") == [.text("x")])
    }

    @Test("X10 mouse", arguments: [
        ([96, 33 + 9, 33 + 4], MouseEvent(.wheelUp, column: 9, row: 4)),
        ([97, 33, 33], MouseEvent(.wheelDown, column: 0, row: 0)),
        ([32, 35, 36], MouseEvent(.press(button: 1), column: 2, row: 3)),
        ([35, 35, 36], MouseEvent(.release, column: 2, row: 3)),
    ] as [([UInt8], MouseEvent)])
    func x10(raw: [UInt8], expected: MouseEvent) {
        let bytes = Array("\(Self.esc)[M".utf8) + raw + Array("x".utf8)
        #expect(KeyChunking.decode(bytes) == [.mouse(expected), .text("x")])
    }

    @Test("an X10 report with impossible coordinates is dropped")
    func x10Bad() {
        #expect(KeyChunking.decode(Array("\(Self.esc)[M".utf8) + [32, 32, 40] + Array("x".utf8)) == [.text("x")])
    }
}
