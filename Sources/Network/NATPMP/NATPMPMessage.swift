/// The NAT-PMP wire format (RFC 6886), big-endian throughout. We send two requests:
///
///     external address request (§3.2)      map TCP request (§3.3)
///      0               1                    0               1               2               3
///     +---------------+---------------+    +---------------+---------------+---------------+---------------+
///     | Vers = 0      | OP = 0        |    | Vers = 0      | OP = 2 (TCP)  | Reserved (0)                  |
///     +---------------+---------------+    +---------------+---------------+---------------+---------------+
///                                          | Internal Port                 | Suggested External Port       |
///                                          +---------------+---------------+---------------+---------------+
///                                          | Requested Port Mapping Lifetime in Seconds (0 = delete)       |
///                                          +---------------+---------------+---------------+---------------+
///
/// and parse their two responses:
///
///     external address response (12 bytes)                   map TCP response (16 bytes)
///      0               1               2               3       0               1               2               3
///     +---------------+---------------+---------------+---+   +---------------+---------------+---------------+---+
///     | Vers = 0      | OP = 128      | Result Code       |   | Vers = 0      | OP = 130      | Result Code       |
///     +---------------+---------------+---------------+---+   +---------------+---------------+---------------+---+
///     | Seconds Since Start of Epoch                      |   | Seconds Since Start of Epoch                      |
///     +---------------+---------------+---------------+---+   +---------------+---------------+---------------+---+
///     | External IPv4 Address                             |   | Internal Port                 | Mapped External P.|
///     +---------------+---------------+---------------+---+   +---------------+---------------+---------------+---+
///                                                             | Port Mapping Lifetime in Seconds                  |
///                                                             +---------------+---------------+---------------+---+
///
/// An error response (result code ≠ 0) may stop after the epoch (8 bytes, §3.5): the result code is read
/// before the full length is required. Bytes past a layout's end are ignored.
public enum NATPMPMessage {
    /// The gateway's NAT-PMP port (clients send from any port).
    public static let serverPort: UInt16 = 5351
    public static let version: UInt8 = 0
    public static let externalAddressOpcode: UInt8 = 0
    public static let mapTCPOpcode: UInt8 = 2
    /// A response's opcode is its request's plus this.
    public static let responseBit: UInt8 = 128
    /// Version, opcode, result code, epoch: the part every response has.
    static let headerLength = 8
    static let externalAddressResponseLength = 12
    static let mapResponseLength = 16

    /// A parsed response.
    public enum Response: Hashable, Sendable {
        case externalAddress(epoch: UInt32, address: [UInt8])
        case mapTCP(epoch: UInt32, internalPort: UInt16, externalPort: UInt16, lifetime: UInt32)

        /// Seconds since the gateway's epoch started (reset when it reboots or loses its mappings).
        public var epoch: UInt32 {
            switch self {
            case .externalAddress(let epoch, _), .mapTCP(let epoch, _, _, _): return epoch
            }
        }
    }

    /// Asks for the gateway's external IPv4 address.
    public static func externalAddressRequest() -> [UInt8] { [version, externalAddressOpcode] }

    /// Maps TCP `internalPort`, preferably to `suggestedExternalPort`, for `lifetime` seconds; lifetime 0 with
    /// suggested port 0 deletes the mapping (§3.4).
    public static func mapTCPRequest(internalPort: UInt16, suggestedExternalPort: UInt16, lifetime: UInt32) -> [UInt8] {
        [version, mapTCPOpcode, 0, 0] + be16(internalPort) + be16(suggestedExternalPort) + be32(lifetime)
    }

    /// Parses a response; throws `NATPMPError` for short or foreign packets and for non-zero result codes.
    public static func parse(_ bytes: [UInt8]) throws(NATPMPError) -> Response {
        guard bytes.count >= 2 else { throw .truncated(expected: headerLength, got: bytes.count) }
        guard bytes[0] == version else { throw .unsupportedVersion(bytes[0]) }
        let opcode = bytes[1]
        let length: Int
        switch opcode {
        case responseBit | externalAddressOpcode: length = externalAddressResponseLength
        case responseBit | mapTCPOpcode: length = mapResponseLength
        default: throw .unknownOpcode(opcode)
        }
        guard bytes.count >= headerLength else { throw .truncated(expected: headerLength, got: bytes.count) }
        let result = NATPMPResultCode(rawValue: readBE16(bytes, 2))
        guard result == .success else { throw .failed(result) }
        guard bytes.count >= length else { throw .truncated(expected: length, got: bytes.count) }
        let epoch = readBE32(bytes, 4)
        if opcode == responseBit | externalAddressOpcode {
            return .externalAddress(epoch: epoch, address: Array(bytes[8..<12]))
        }
        return .mapTCP(epoch: epoch, internalPort: readBE16(bytes, 8), externalPort: readBE16(bytes, 10),
                       lifetime: readBE32(bytes, 12))
    }

    private static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
    private static func readBE16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
    private static func readBE32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}
