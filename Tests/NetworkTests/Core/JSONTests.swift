import Testing
@testable import Network

@Suite("JSON rendering: RFC 8259 escapes on the UTF-8 bytes")
struct JSONTests {
    /// The escaping rule one scalar at a time (the byte-level `JSON.quote` must agree with it everywhere).
    static func reference(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        JSON.quote(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("every scalar below U+3000, alone and between other text, is escaped as the reference does")
    func everyScalar() {
        for value in UInt32(0)..<0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let alone = String(Character(scalar))
            #expect(Self.quoted(alone) == Self.reference(alone), "U+\(String(value, radix: 16))")
            let inside = "a\(alone)é\(alone)"
            #expect(Self.quoted(inside) == Self.reference(inside), "U+\(String(value, radix: 16)) inside text")
        }
    }

    @Test("hostile and ordinary strings", arguments: [
        "", "plain ascii", "quote \" and \\ backslash", "\u{1b}[31mred\u{1b}[0m", "line\nbreak\r\ttab",
        "\u{7f}\u{80}\u{9f}\u{a0}", "\u{2027}\u{2028}\u{2029}\u{202a}", "日本語 🎉 👍🏽 e\u{301}", "\u{0}\u{1}",
        String(repeating: "x\"", count: 500),
    ])
    func corpus(_ s: String) {
        #expect(Self.quoted(s) == Self.reference(s))
    }

    @Test("objects keep key order; numbers, booleans, null and nesting")
    func values() {
        let json = JSON.object([("b", .int(-3)), ("a", .array([.bool(true), .null, .double(1.5), .string("x")]))])
        #expect(json.rendered == #"{"b":-3,"a":[true,null,1.5,"x"]}"#)
        #expect(json.renderedBytes == Array(json.rendered.utf8))
    }
}
