import Testing
@testable import Network

@Suite("JSONObjectWriter: objects written directly, byte for byte as the JSON tree renders them")
struct JSONObjectWriterTests {
    @Test("strings with escapes, integers at the extremes, hex, and the empty object")
    func matchesTree() throws {
        let texts = ["", "plain", "q\"b\\s/", "tab\tnl\nnul\u{0}del\u{7F}c1\u{85}", "\u{2028}\u{2029}", "日本語 🎉"]
        for (i, text) in texts.enumerated() {
            let number = [0, -1, Int.max, Int.min, 42, 1_700_000_000][i]
            let bytes: [UInt8] = Array(0..<UInt8(i * 7))
            var w = JSONObjectWriter(capacity: 8)
            w.add("text", text)
            w.add("n", number)
            w.add("id", hex: bytes)
            let tree = JSON.object([("text", .string(text)), ("n", .int(number)), ("id", .string(bytes.hex))])
            let written = w.finish()
            #expect(written == tree.renderedBytes, "case \(i)")
            let parsed = try JSONParser.parse(written)
            if case .string(let back)? = parsed["text"] { #expect(back == text) } else { Issue.record("case \(i): no text") }
        }
        var empty = JSONObjectWriter()
        #expect(empty.finish() == Array("{}".utf8))
    }
}
