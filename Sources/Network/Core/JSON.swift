/// A JSON value with ordered object keys (headless events print `"event"` first; chat payloads keep the
/// Go program's field order). `JSONParser` reads it back.
public enum JSON {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSON])
    case object([(String, JSON)])
    case null

    /// One line of compact JSON (no newline).
    public var rendered: String { String(decoding: renderedBytes, as: UTF8.self) }

    /// The same line as UTF-8 bytes (what goes to stdout or into a message: no String round trip).
    public var renderedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        render(into: &out)
        return out
    }

    private func render(into out: inout [UInt8]) {
        switch self {
        case .string(let s): JSON.quote(s, into: &out)
        case .int(let i): out += String(i).utf8
        case .double(let d): out += (d.isFinite ? formatted(d) : "null").utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .null: out += "null".utf8
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.render(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.quote(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.render(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Six decimals: microseconds in seconds, nanoseconds in milliseconds.
    private func formatted(_ d: Double) -> String {
        let scaled = (d * 1_000_000).rounded() / 1_000_000
        return scaled == scaled.rounded() && abs(scaled) < 1e15 ? String(Int(scaled)) : String(scaled)
    }

    /// Escapes per RFC 8259: quotes, backslash and every control character (C0, DEL, C1), and U+2028/U+2029
    /// (line breaks to JavaScript). Works on the UTF-8 bytes: runs that need no escape are copied whole.
    public static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var i = 0, run = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                let scalar: UInt32, length: Int
                if b >= 0x20 && b < 0x7f {
                    guard b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { i += 1; continue }
                    (scalar, length) = (UInt32(b), 1)
                } else if b < 0x80 {
                    (scalar, length) = (UInt32(b), 1)                                  // C0 controls, DEL
                } else if b == 0xc2 && i + 1 < n && utf8[i + 1] < 0xa0 {
                    (scalar, length) = (UInt32(utf8[i + 1]), 2)                        // C1: U+0080…U+009F
                } else if b == 0xe2 && i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] | 1) == 0xa9 {
                    (scalar, length) = (0x2000 | UInt32(utf8[i + 2] & 0x3f), 3)       // U+2028, U+2029
                } else {
                    i += 1
                    continue
                }
                if i > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i])) }
                appendEscape(scalar, to: &out)
                i += length
                run = i
            }
            if n > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch scalar {
        case 0x22: out.append(UInt8(ascii: "\""))
        case 0x5c: out.append(UInt8(ascii: "\\"))
        case 0x0a: out.append(UInt8(ascii: "n"))
        case 0x0d: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int(scalar >> UInt32(shift)) & 0xf]) }
        }
    }
}
