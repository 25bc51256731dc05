/// A tiny protobuf wire scanner and writer for the hot path of pubsub RPCs.
///
/// swift-protobuf cannot hand back the raw bytes of a sub-message, and StrictSign verification must run over
/// the *received* message bytes minus fields 5 and 6. So RPCs and messages are scanned field by field here,
/// yielding byte ranges into the frame; control messages (rare) still go through the generated types.
///
///     field  = key value
///     key    = uvarint(fieldNumber << 3 | wireType)
///     value  = uvarint                         (wire type 0)
///            | 8 bytes little-endian            (wire type 1)
///            | uvarint(len) len bytes           (wire type 2)
///            | fields… end-group key            (wire type 3, closed by wire type 4 with the same number)
///            | 4 bytes little-endian            (wire type 5)
///
/// Unknown fields of every wire type are skipped by callers simply ignoring the numbers they don't know.
public enum ProtoWire {
    public enum Error: Swift.Error, Equatable, Sendable {
        case truncated(at: Int)
        case badVarint(at: Int)
        case badWireType(UInt8, at: Int)
        case unbalancedGroup(at: Int)
    }

    /// One scanned field: its number and its value (a varint, or the byte range of a length-delimited value).
    enum Value: Equatable {
        case varint(UInt64)
        case bytes(Range<Int>)
        case fixed      // fixed32/fixed64/group: skipped
    }

    /// Protobuf groups may nest; past this depth the input is treated as malformed.
    static let maxGroupDepth = 16

    /// Reads a protobuf varint (up to 10 bytes; non-minimal encodings are legal protobuf).
    @inline(__always)
    static func readVarint(_ buf: [UInt8], _ pos: inout Int, end: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = pos
        while pos < end {
            let byte = buf[pos]
            pos += 1
            if shift == 63 && byte > 1 { throw Error.badVarint(at: start) }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Error.badVarint(at: start) }
        }
        throw Error.truncated(at: start)
    }

    /// Scans the field at `pos` (which must be `< end`), advancing past it.
    @inline(__always)
    static func nextField(_ buf: [UInt8], _ pos: inout Int, end: Int) throws -> (number: UInt64, value: Value) {
        let keyAt = pos
        let key = try readVarint(buf, &pos, end: end)
        let number = key >> 3
        let wireType = UInt8(key & 7)
        switch wireType {
        case 0:
            return (number, .varint(try readVarint(buf, &pos, end: end)))
        case 2:
            let length = try readVarint(buf, &pos, end: end)
            guard length <= UInt64(end - pos) else { throw Error.truncated(at: pos) }
            let range = pos..<(pos + Int(length))
            pos = range.upperBound
            return (number, .bytes(range))
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard end - pos >= width else { throw Error.truncated(at: pos) }
            pos += width
            return (number, .fixed)
        case 3:
            try skipGroup(number, buf, &pos, end: end, depth: 1)
            return (number, .fixed)
        default:
            throw Error.badWireType(wireType, at: keyAt)
        }
    }

    private static func skipGroup(_ number: UInt64, _ buf: [UInt8], _ pos: inout Int, end: Int, depth: Int) throws {
        guard depth <= maxGroupDepth else { throw Error.unbalancedGroup(at: pos) }
        while pos < end {
            let keyAt = pos
            let key = try readVarint(buf, &pos, end: end)
            if key & 7 == 4 {
                guard key >> 3 == number else { throw Error.unbalancedGroup(at: keyAt) }
                return
            }
            if key & 7 == 3 {
                try skipGroup(key >> 3, buf, &pos, end: end, depth: depth + 1)
                continue
            }
            pos = keyAt
            _ = try nextField(buf, &pos, end: end)
        }
        throw Error.unbalancedGroup(at: pos)
    }

    // MARK: writing

    @inline(__always)
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        Varint.encode(value, into: &out)
    }

    /// Appends a length-delimited field (wire type 2).
    @inline(__always)
    static func appendBytes<C: Collection>(_ field: UInt64, _ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        Varint.encode(field << 3 | 2, into: &out)
        Varint.encode(UInt64(bytes.count), into: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends a varint field (wire type 0).
    static func appendVarintField(_ field: UInt64, _ value: UInt64, to out: inout [UInt8]) {
        Varint.encode(field << 3, into: &out)
        Varint.encode(value, into: &out)
    }

    /// Bytes a length-delimited field of `length` bytes takes, key included (fields 1–15).
    static func bytesFieldSize(_ length: Int) -> Int {
        1 + Varint.encodedLength(UInt64(length)) + length
    }
}
