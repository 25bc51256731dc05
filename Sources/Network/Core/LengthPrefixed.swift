/// `uvarint(len) || bytes` framing ("msgio varint"), used by multistream-select, identify, pubsub and Kad.
///
///     +----------------+-----------------------+
///     | uvarint(len)   | len bytes of payload  |
///     +----------------+-----------------------+
///
/// `LengthPrefixedDecoder` accumulates input in any chunking and yields whole frames, refusing frames
/// longer than its limit before buffering them.
public enum LengthPrefixed {
    public enum DecodeError: Error, Equatable, Sendable {
        case badLength(Varint.DecodeError)
        case frameTooLarge(length: UInt64, limit: Int)
    }

    public static func frame<C: Collection>(_ payload: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + Varint.maxBytes)
        Varint.encode(UInt64(payload.count), into: &out)
        out.append(contentsOf: payload)
        return out
    }

    public static func append<C: Collection>(_ payload: C, to out: inout [UInt8]) where C.Element == UInt8 {
        Varint.encode(UInt64(payload.count), into: &out)
        out.append(contentsOf: payload)
    }
}

/// Incremental decoder for `LengthPrefixed` frames.
public struct LengthPrefixedDecoder: Sendable {
    public let maxFrameLength: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxFrameLength: Int) { self.maxFrameLength = maxFrameLength }

    /// Bytes received but not yet returned as part of a frame.
    public var buffered: ArraySlice<UInt8> { buffer[start...] }

    public mutating func feed<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        buffer.append(contentsOf: bytes)
    }

    /// Returns the next whole frame, `nil` when more input is needed.
    public mutating func next() throws -> [UInt8]? {
        let pending = buffer[start...]
        let decoded: Varint.Decoded
        do { decoded = try Varint.decode(pending) } catch let e as Varint.DecodeError {
            throw LengthPrefixed.DecodeError.badLength(e)
        }
        guard case .value(let length, let headerLength) = decoded else { return nil }
        guard length <= UInt64(maxFrameLength) else {
            throw LengthPrefixed.DecodeError.frameTooLarge(length: length, limit: maxFrameLength)
        }
        let bodyStart = start + headerLength
        guard buffer.count - bodyStart >= Int(length) else { return nil }
        let frame = Array(buffer[bodyStart..<(bodyStart + Int(length))])
        start = bodyStart + Int(length)
        if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return frame
    }

    /// Hands back everything buffered and not yet framed (used when a protocol switches framing).
    public mutating func takeRemainder() -> [UInt8] {
        let rest = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        return rest
    }
}
