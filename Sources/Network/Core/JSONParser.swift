/// A strict RFC 8259 parser into `JSON` values, for payloads from the network (chat messages).
///
///     value   = object | array | string | number | true | false | null
///     object  = "{" [ string ":" value *( "," string ":" value ) ] "}"      (keys kept in order)
///     string  = '"' *( unescaped UTF-8 ≥ 0x20 | "\" ( " \ / b f n r t | uXXXX ) ) '"'
///     number  = [ "-" ] ( "0" | 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" | "E" ) [ "+" | "-" ] 1*DIGIT ]
///
/// Whitespace is space, tab, CR and LF. Strings must be valid UTF-8 and `\u` escapes valid scalars (a high
/// surrogate only with its low one). Integers that fit in `Int` are `.int`, other numbers `.double` (one that
/// overflows a Double is an error, as Foundation has it). Nesting
/// deeper than `maxDepth` and anything after the top-level value are errors. It replaced Foundation's
/// `JSONSerialization` on the receive path, where it is ~5× faster (issue 3's per-message budget).
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 64

    public enum ParseError: Error, Equatable, Sendable {
        case unexpectedEnd
        case unexpectedByte(offset: Int)
        case invalidString(offset: Int)
        case invalidNumber(offset: Int)
        case tooDeep
        case trailingData(offset: Int)
    }

    /// Parses exactly one JSON value filling `bytes` (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8]) throws -> JSON {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = Cursor(bytes: buffer)
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.pos == buffer.count else { throw ParseError.trailingData(offset: parser.pos) }
            return value
        }
    }

    /// Calls `field` with each key and value of the object filling `bytes`, in order, without building the
    /// object: a payload read field by field (a chat message, on every message's receive path) skips the
    /// tree and the key lookups. Returns false, having called nothing, when the value is not an object;
    /// throws what `parse` throws for the same bytes.
    public static func forEachField(in bytes: [UInt8], _ field: (String, JSON) -> Void) throws -> Bool {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = Cursor(bytes: buffer)
            let isObject = try parser.peek() == UInt8(ascii: "{")
            if isObject {
                try parser.fields(depth: 1, field)
            } else {
                _ = try parser.value(depth: 0)
            }
            parser.skipWhitespace()
            guard parser.pos == buffer.count else { throw ParseError.trailingData(offset: parser.pos) }
            return isObject
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var pos = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while pos < bytes.count {
                switch bytes[pos] {
                case 0x20, 0x09, 0x0a, 0x0d: pos += 1
                default: return
                }
            }
        }

        mutating func peek() throws -> UInt8 {
            skipWhitespace()
            guard pos < bytes.count else { throw ParseError.unexpectedEnd }
            return bytes[pos]
        }

        mutating func expect(_ byte: UInt8) throws {
            guard try peek() == byte else { throw ParseError.unexpectedByte(offset: pos) }
            pos += 1
        }

        mutating func value(depth: Int) throws -> JSON {
            switch try peek() {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw ParseError.unexpectedByte(offset: pos)
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard pos + count <= bytes.count else { throw ParseError.unexpectedEnd }
            for i in 0..<count where bytes[pos + i] != word.utf8Start[i] { throw ParseError.unexpectedByte(offset: pos + i) }
            pos += count
        }

        mutating func object(depth: Int) throws -> JSON {
            var fields: [(String, JSON)] = []
            try self.fields(depth: depth) { fields.append(($0, $1)) }
            return .object(fields)
        }

        /// At `{`: each key and value, in order, through the closing `}`.
        mutating func fields(depth: Int, _ field: (String, JSON) -> Void) throws {
            guard depth <= JSONParser.maxDepth else { throw ParseError.tooDeep }
            pos += 1   // {
            if try peek() == UInt8(ascii: "}") { pos += 1; return }
            while true {
                guard try peek() == UInt8(ascii: "\"") else { throw ParseError.unexpectedByte(offset: pos) }
                let key = try string()
                try expect(UInt8(ascii: ":"))
                field(key, try value(depth: depth))
                switch try peek() {
                case UInt8(ascii: ","): pos += 1
                case UInt8(ascii: "}"): pos += 1; return
                default: throw ParseError.unexpectedByte(offset: pos)
                }
            }
        }

        mutating func array(depth: Int) throws -> JSON {
            guard depth <= JSONParser.maxDepth else { throw ParseError.tooDeep }
            pos += 1   // [
            var items: [JSON] = []
            if try peek() == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth))
                switch try peek() {
                case UInt8(ascii: ","): pos += 1
                case UInt8(ascii: "]"): pos += 1; return .array(items)
                default: throw ParseError.unexpectedByte(offset: pos)
                }
            }
        }

        /// At the opening quote. Runs without escapes are validated and copied whole.
        mutating func string() throws -> String {
            let start = pos
            pos += 1
            var out: [UInt8] = []
            var run = pos
            var high: UInt8 = 0   // the bytes OR'ed: below 0x80 means ASCII, valid UTF-8 as it stands
            while true {
                guard pos < bytes.count else { throw ParseError.unexpectedEnd }
                let b = bytes[pos]
                high |= b
                if b == UInt8(ascii: "\"") {
                    break
                } else if b == UInt8(ascii: "\\") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<pos]))
                    try escape(into: &out, start: start)
                    run = pos
                } else if b < 0x20 {
                    throw ParseError.invalidString(offset: pos)
                } else {
                    pos += 1
                }
            }
            let text: String?
            if out.isEmpty && high < 0x80 {   // the usual key or value: no escapes, ASCII (no validation)
                text = String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<pos]), as: UTF8.self)
            } else if out.isEmpty {
                text = String(validating: UnsafeBufferPointer(rebasing: bytes[run..<pos]), as: UTF8.self)
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<pos]))
                text = String(validating: out, as: UTF8.self)
            }
            pos += 1   // closing quote
            guard let text else { throw ParseError.invalidString(offset: start) }
            return text
        }

        /// At a backslash: appends the escaped character's UTF-8 and moves past the escape.
        mutating func escape(into out: inout [UInt8], start: Int) throws {
            guard pos + 1 < bytes.count else { throw ParseError.unexpectedEnd }
            let c = bytes[pos + 1]
            pos += 2
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var value = try hex4()
                if (0xd800...0xdbff).contains(value) {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw ParseError.invalidString(offset: start)
                    }
                    pos += 2
                    let low = try hex4()
                    guard (0xdc00...0xdfff).contains(low) else { throw ParseError.invalidString(offset: start) }
                    value = 0x10000 + ((value - 0xd800) << 10) + (low - 0xdc00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw ParseError.invalidString(offset: start) }
                out.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw ParseError.invalidString(offset: pos - 1)
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard pos + 4 <= bytes.count else { throw ParseError.unexpectedEnd }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[pos]
                let digit: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
                default: throw ParseError.invalidString(offset: pos)
                }
                value = value << 4 | UInt32(digit)
                pos += 1
            }
            return value
        }

        mutating func digits() -> Int {
            let start = pos
            while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
            return pos - start
        }

        /// `[-]digits` as an `Int`, nil when it overflows (then the number is a Double).
        static func integer(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
            var digits = text[...]
            let negative = digits.first == UInt8(ascii: "-")
            if negative { digits = digits.dropFirst() }
            var value = 0
            for byte in digits {
                let digit = Int(byte &- UInt8(ascii: "0"))
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = negative ? times10.subtractingReportingOverflow(digit)
                                          : times10.addingReportingOverflow(digit)
                if o1 || o2 { return nil }
                value = next
            }
            return value
        }

        mutating func number() throws -> JSON {
            let start = pos
            if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count else { throw ParseError.unexpectedEnd }
            if bytes[pos] == UInt8(ascii: "0") {
                pos += 1
            } else if digits() == 0 {
                throw ParseError.invalidNumber(offset: start)
            }
            var integral = true
            if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
                pos += 1
                integral = false
                guard digits() > 0 else { throw ParseError.invalidNumber(offset: start) }
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
                pos += 1
                integral = false
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                guard digits() > 0 else { throw ParseError.invalidNumber(offset: start) }
            }
            if integral, let int = Self.integer(bytes[start..<pos]) { return .int(int) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
            guard let double = Double(text), double.isFinite else { throw ParseError.invalidNumber(offset: start) }
            return .double(double)
        }
    }
}

extension JSON {
    /// The value of `key` in an object (the last one when a key repeats); nil for a missing key or a non-object.
    public subscript(key: String) -> JSON? {
        guard case .object(let fields) = self else { return nil }
        return fields.last { $0.0 == key }?.1
    }
}
