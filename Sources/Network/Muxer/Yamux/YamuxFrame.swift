/// One yamux frame header: 12 bytes, big-endian. Only DATA frames carry `length` bytes of payload after it.
///
///      0               1               2               3
///      0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
///     +---------------+---------------+-------------------------------+
///     |  version (0)  |     type      |             flags             |
///     +---------------+---------------+-------------------------------+
///     |                           stream ID                           |
///     +---------------------------------------------------------------+
///     |                            length                             |
///     +---------------------------------------------------------------+
///
///     type   0 DATA           length = payload size
///            1 WINDOW_UPDATE  length = receive-window delta
///            2 PING           length = opaque value, echoed in the ACK      (stream 0)
///            3 GO_AWAY        length = code: 0 normal, 1 protocol, 2 internal (stream 0)
///     flags  SYN 0x1 · ACK 0x2 · FIN 0x4 · RST 0x8
public struct YamuxFrame: Equatable, Sendable {
    public static let protocolID = "/yamux/1.0.0"
    public static let headerLength = 12
    public static let version: UInt8 = 0

    public enum FrameType: UInt8, Sendable {
        case data = 0
        case windowUpdate = 1
        case ping = 2
        case goAway = 3
    }

    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let syn = Flags(rawValue: 0x1)
        public static let ack = Flags(rawValue: 0x2)
        public static let fin = Flags(rawValue: 0x4)
        public static let rst = Flags(rawValue: 0x8)
    }

    public var type: FrameType
    public var flags: Flags
    public var streamID: UInt32
    public var length: UInt32

    public init(_ type: FrameType, _ flags: Flags = [], streamID: UInt32, length: UInt32) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.length = length
    }

    /// Appends the 12 header bytes (not the payload).
    @inlinable
    public func encode(into out: inout [UInt8]) {
        let f = flags.rawValue
        out.append(Self.version)
        out.append(type.rawValue)
        out.append(UInt8(truncatingIfNeeded: f >> 8))
        out.append(UInt8(truncatingIfNeeded: f))
        out.append(UInt8(truncatingIfNeeded: streamID >> 24))
        out.append(UInt8(truncatingIfNeeded: streamID >> 16))
        out.append(UInt8(truncatingIfNeeded: streamID >> 8))
        out.append(UInt8(truncatingIfNeeded: streamID))
        out.append(UInt8(truncatingIfNeeded: length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
    }

    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerLength)
        encode(into: &out)
        return out
    }

    /// Decodes the header in the first 12 bytes of `bytes` (which must hold at least 12).
    /// Throws `YamuxError.unsupportedVersion` or `.unknownFrameType`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> YamuxFrame {
        precondition(bytes.count >= headerLength, "a yamux header needs 12 bytes")
        guard bytes[0] == version else { throw YamuxError.unsupportedVersion(bytes[0]) }
        guard let type = FrameType(rawValue: bytes[1]) else { throw YamuxError.unknownFrameType(bytes[1]) }
        let flags = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        return YamuxFrame(type, Flags(rawValue: flags),
                          streamID: readU32(bytes, 4), length: readU32(bytes, 8))
    }

    public static func decode(_ bytes: [UInt8]) throws -> YamuxFrame {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    private static func readU32(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}

/// GO_AWAY codes from the yamux spec. Peers may send others (go-libp2p uses e.g. 0x1005); accept any.
public enum YamuxGoAwayCode {
    public static let normal: UInt32 = 0
    public static let protocolError: UInt32 = 1
    public static let internalError: UInt32 = 2
}
