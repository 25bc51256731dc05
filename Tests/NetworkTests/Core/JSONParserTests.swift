import Foundation
import Testing
@testable import Network

@Suite("JSONParser: strict RFC 8259, the chat payload's parser")
struct JSONParserTests {
    @Test("values, nesting, escapes and numbers")
    func values() throws {
        let json = try JSONParser.parse(Array(#" {"a": [1, -2.5, 1e3, true, false, null, {}], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83c\udf89", "z": 0} "#.utf8))
        guard case .array(let items)? = json["a"] else { Issue.record("no array"); return }
        #expect(items.count == 7)
        if case .int(1) = items[0] {} else { Issue.record("1 is an int") }
        if case .double(-2.5) = items[1] {} else { Issue.record("-2.5") }
        if case .double(1000) = items[2] {} else { Issue.record("1e3") }
        if case .string(let s)? = json["s"] { #expect(s == "q\"\\/\u{8}\u{c}\n\r\té🎉") } else { Issue.record("string") }
        #expect(json.rendered == #"{"a":[1,-2.5,1000,true,false,null,{}],"s":"q\"\\/\u0008\u000c\n\r\té🎉","z":0}"#)
    }

    @Test("malformed documents are typed errors", arguments: [
        "", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[1 2]", "{a:1}", "'x'", "01", "-", "1.", ".5",
        "1e", "+1", "tru", "nul", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "\"a\nb\"", "\"unterminated", "{} {}", "[]]", "NaN", "Infinity",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test("invalid UTF-8 in a string, and nesting past the limit")
    func limits() throws {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse([0x22, 0xff, 0x22]) }
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse([0x22, 0xc3, 0x22]) }
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try JSONParser.parse(Array(ok.utf8))
        let deep = "[" + ok + "]"
        #expect(throws: JSONParser.ParseError.tooDeep) { try JSONParser.parse(Array(deep.utf8)) }
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.ParseError.tooDeep) { try JSONParser.parse(Array(hostile.utf8)) }
    }

    @Test("integers are Ints up to Int's bounds, Doubles beyond; ASCII and non-ASCII strings alike")
    func integerBoundsAndStrings() throws {
        func parsed(_ text: String) throws -> JSON { try JSONParser.parse(Array(text.utf8)) }
        if case .int(Int.max) = try parsed("9223372036854775807") {} else { Issue.record("Int.max") }
        if case .int(Int.min) = try parsed("-9223372036854775808") {} else { Issue.record("Int.min") }
        if case .double(9223372036854775808) = try parsed("9223372036854775808") {} else { Issue.record("Int.max + 1") }
        if case .double(-9223372036854775809) = try parsed("-9223372036854775809") {} else { Issue.record("Int.min - 1") }
        if case .int(0) = try parsed("-0") {} else { Issue.record("-0") }
        if case .int(120) = try parsed("120") {} else { Issue.record("120") }
        for text in ["plain ascii", "", "é", "ascii then é", "日本", "🎉 after"] {
            if case .string(text) = try parsed(JSON.string(text).rendered) {} else { Issue.record("\(text)") }
        }
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse([0x22, 0x61, 0xc3, 0x22]) }   // "a\xc3"
    }

    @Test("forEachField: the fields in order, as parse sees them; false for a non-object; parse's errors")
    func forEachField() throws {
        let text = #" {"a": [1, {"b": null}], "s": "\u00e9", "a": 2} "#
        var seen: [(String, JSON)] = []
        #expect(try JSONParser.forEachField(in: Array(text.utf8)) { seen.append(($0, $1)) })
        #expect(JSON.object(seen).rendered == (try JSONParser.parse(Array(text.utf8))).rendered)
        #expect(seen.map(\.0) == ["a", "s", "a"])
        var called = false
        #expect(try JSONParser.forEachField(in: Array(" [1, 2] ".utf8)) { _, _ in called = true } == false)
        #expect(try JSONParser.forEachField(in: Array("\"x\"".utf8)) { _, _ in called = true } == false)
        #expect(!called)
        for bad in ["{\"a\":1,}", "{\"a\":1} x", "{\"a\"", "", "[1,"] {
            #expect(throws: JSONParser.ParseError.self) { try JSONParser.forEachField(in: Array(bad.utf8)) { _, _ in } }
        }
        let deep = "{\"a\":" + String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth) + "}"
        #expect(throws: JSONParser.ParseError.tooDeep) { try JSONParser.forEachField(in: Array(deep.utf8)) { _, _ in } }
    }

    @Test("ChatMessage.decode: a repeated key's last value counts")
    func repeatedKeys() throws {
        let json = #"{"type":"join","content":"first","type":"message","content":"second","timestamp":1,"timestamp":2}"#
        let message = try #require(try ChatMessage.decode(Array(json.utf8)))
        #expect(message.kind == .message && message.content == "second" && message.timestamp == 2)
        #expect(throws: ChatMessage.DecodeError.wrongType(field: "content")) {
            try ChatMessage.decode(Array(#"{"type":"message","content":"ok","content":3}"#.utf8))
        }
    }

    /// Foundation's parser as the reference: does this payload decode to the same chat message (or fail)?
    static func reference(_ data: [UInt8]) -> ChatMessage?? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any] else { return .none }
        guard let type = object["type"] as? String else { return .none }
        guard let kind = ChatMessage.Kind(rawValue: type) else { return .some(nil) }
        func string(_ key: String) -> String?? {
            guard let value = object[key] else { return .some("") }
            return (value as? String).map { .some($0) } ?? .none
        }
        guard case .some(let content?) = string("content"), case .some(let username?) = string("username"),
              case .some(let from?) = string("from") else { return .none }
        var timestamp: Int64 = 0
        if let value = object["timestamp"] {
            guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return .none }
            guard abs(n.doubleValue) < 9.2e18 else { return .none }   // Foundation's value is undefined there; we reject
            timestamp = n.int64Value
        }
        return .some(ChatMessage(kind: kind, content: content, username: username, timestamp: timestamp, from: from))
    }

    @Test("ChatMessage.decode agrees with JSONSerialization on chat payloads and 20,000 mutations of them")
    func differential() {
        let seeds: [String] = [
            #"{"type":"message","content":"héllo \"x\" 🎉","username":"bob","timestamp":1795573709,"from":"12D3KooWAbc"}"#,
            #"{"type":"join","content":"bob joined","username":"bob","timestamp":1795573709.75,"extra":{"n":[1,2,{"k":null}]}}"#,
            #"{"type":"leave","timestamp":-3,"content":"\u0041\ud83d\ude00","username":"\u00e9"}"#,
            #"{"type":"future","content":"x"}"#,
        ]
        var random = SplitMix64(seed: 20_261_125)   // the same 20,000 cases every run
        var cases: [[UInt8]] = seeds.map { Array($0.utf8) }
        let alphabet = Array(#"{}[]":,.-+0123456789eEtrufalsn\u "#.utf8) + [0x00, 0x0a, 0x7f, 0xc3, 0xa9, 0xff]
        for _ in 0..<20_000 {
            var bytes = Array(seeds.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let i = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[i] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: i)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: i)
                }
                if bytes.isEmpty { bytes = [0x7b] }
            }
            cases.append(bytes)
        }
        var mismatches: [String] = []
        for bytes in cases {
            let ours: ChatMessage??
            do { ours = .some(try ChatMessage.decode(bytes)) } catch { ours = .none }
            let theirs = Self.reference(bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            // Foundation on Linux accepts a trailing comma; RFC 8259 (and we) do not.
            if ours == nil, theirs != nil, text.contains(",}") || text.contains(",]") { continue }
            if ours != theirs && mismatches.count < 10 { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
