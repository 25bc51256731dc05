/// Writes one JSON object straight into UTF-8 bytes, fields in call order, the same bytes as rendering the
/// equivalent `JSON.object`. For the lines made per chat message (the payload we publish, the headless
/// `message` event), where building the tree first costs more than the writing.
///
///     var w = JSONObjectWriter()
///     w.add("type", "message"); w.add("timestamp", 1_700_000_000)
///     w.finish()   // {"type":"message","timestamp":1700000000}
///
/// Keys are static strings that need no escaping (checked in debug builds); values are escaped by
/// `JSON.quote`.
public struct JSONObjectWriter {
    private var out: [UInt8]
    private var fields = 0

    public init(capacity: Int = 256) {
        out = []
        out.reserveCapacity(capacity)
        out.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ key: StaticString) {
        assert(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount).allSatisfy {
            $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\")
        }, "JSON key \(key) needs escaping")
        if fields > 0 { out.append(UInt8(ascii: ",")) }
        fields += 1
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    public mutating func add(_ key: StaticString, _ value: String) {
        self.key(key)
        JSON.quote(value, into: &out)
    }

    public mutating func add(_ key: StaticString, _ value: Int) {
        self.key(key)
        out.append(contentsOf: String(value).utf8)
    }

    /// `bytes` as a lowercase hex string (a message ID).
    public mutating func add(_ key: StaticString, hex bytes: [UInt8]) {
        self.key(key)
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            out.append(Self.hexDigits[Int(b >> 4)])
            out.append(Self.hexDigits[Int(b & 15)])
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Closes the object and hands its bytes over (without a copy); add nothing after this.
    public mutating func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }
}
