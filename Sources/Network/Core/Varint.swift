/// Unsigned LEB128 varints as multiformats defines them: 7 bits per byte, least-significant group first,
/// bit 0x80 means "more follows". We encode minimally and decode at most `maxBytes` bytes, rejecting
/// non-minimal encodings (a trailing 0x00 group) and values over 63 bits.
///
///     300 = 0b1_0010_1100  →  1010_1100 0000_0010  =  ac 02
public enum Varint {
    /// multiformats/unsigned-varint: at most 9 bytes, 63 bits.
    public static let maxBytes = 9

    public enum DecodeError: Error, Equatable, Sendable {
        case overlong          // more than `maxBytes` bytes or more than 63 bits
        case notMinimal        // a redundant trailing zero group
    }

    /// Outcome of decoding from a buffer that may hold only part of the varint.
    public enum Decoded: Equatable, Sendable {
        case needMoreData
        case value(UInt64, length: Int)
    }

    /// Appends the minimal encoding of `value`.
    @inlinable
    public static func encode(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength(value))
        encode(value, into: &out)
        return out
    }

    public static func encodedLength(_ value: UInt64) -> Int {
        var n = 1
        var v = value >> 7
        while v != 0 { n += 1; v >>= 7 }
        return n
    }

    /// Decodes a varint at the start of `bytes`.
    @inlinable
    public static func decode<C: Collection>(_ bytes: C) throws -> Decoded where C.Element == UInt8 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        for byte in bytes {
            count += 1
            if count > maxBytes { throw DecodeError.overlong }
            let group = UInt64(byte & 0x7f)
            if shift == 56 && group > 0x7f { throw DecodeError.overlong }
            result |= group << shift
            if byte & 0x80 == 0 {
                if count > 1 && byte == 0 { throw DecodeError.notMinimal }
                if result > UInt64(Int64.max) { throw DecodeError.overlong }
                return .value(result, length: count)
            }
            shift += 7
        }
        return .needMoreData
    }
}
