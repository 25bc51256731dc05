/// A libp2p peer identity: the multihash of the serialized `PublicKey` protobuf.
///
///     identity multihash (key envelope ≤ 42 bytes, e.g. Ed25519):   00 <uvarint len> <envelope>
///     sha2-256 multihash (larger keys, e.g. RSA):                    12 20 <sha256(envelope)>
///
/// Text forms: base58btc of the multihash (`12D3KooW…`, `Qm…`; what we display) and CIDv1
/// (`b` + base32 of `01 72 <multihash>`, codec 0x72 = libp2p-key). Both parse.
public struct PeerID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The binary multihash.
    public let bytes: [UInt8]

    /// One `combine(bytes:)` instead of `[UInt8]`'s per-byte `combine` (PeerIDs key the pubsub engine's hot tables).
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }

    public enum ParseError: Error, Equatable, Sendable {
        case invalidText(String)
        case invalidMultihash
        case notALibp2pKeyCID(codec: UInt64)
    }

    static let identityCode: UInt8 = 0x00
    static let sha256Code: UInt8 = 0x12
    static let maxInlineKeyLength = 42
    /// How every Ed25519 PeerID begins: identity multihash, 36 bytes, then the key envelope's `08 01 12 20`.
    static let ed25519Prefix: [UInt8] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20]
    static let libp2pKeyCodec: UInt64 = 0x72

    /// The identity multihash of the key's envelope when it is at most 42 bytes (Ed25519), else its SHA-256 (RSA).
    public init(publicKey: PublicKey) {
        let envelope = publicKey.protobuf
        guard envelope.count <= Self.maxInlineKeyLength else {
            bytes = [Self.sha256Code, 0x20] + Sodium.sha256(envelope)
            return
        }
        var mh: [UInt8] = [Self.identityCode]
        Varint.encode(UInt64(envelope.count), into: &mh)
        mh += envelope
        bytes = mh
    }

    /// Validates and wraps a binary multihash (identity or sha2-256).
    public init(multihash: [UInt8]) throws {
        guard multihash.count >= 2 else { throw ParseError.invalidMultihash }
        switch multihash[0] {
        case Self.identityCode:
            guard case .value(let length, let n) = try? Varint.decode(multihash[1...]),
                  length <= UInt64(Self.maxInlineKeyLength), multihash.count == 1 + n + Int(length)
            else { throw ParseError.invalidMultihash }
        case Self.sha256Code:
            guard multihash.count == 34, multihash[1] == 0x20 else { throw ParseError.invalidMultihash }
        default:
            throw ParseError.invalidMultihash
        }
        bytes = multihash
    }

    /// Parses base58 (`1…`, `Qm…`) or CIDv1 text.
    public init(_ text: String) throws {
        if text.hasPrefix("1") || text.hasPrefix("Qm") {
            guard let raw = Base58.decode(text) else { throw ParseError.invalidText(text) }
            try self.init(multihash: raw)
            return
        }
        guard text.first == "b", let raw = Base32.decode(String(text.dropFirst())),
              case .value(let version, let vlen)? = try? Varint.decode(raw), version == 1,
              case .value(let codec, let clen)? = try? Varint.decode(raw[vlen...])
        else { throw ParseError.invalidText(text) }
        guard codec == Self.libp2pKeyCodec else { throw ParseError.notALibp2pKeyCID(codec: codec) }
        try self.init(multihash: Array(raw[(vlen + clen)...]))
    }

    /// The public key, when the PeerID inlines it (identity multihash).
    public var publicKey: PublicKey? {
        guard bytes.first == Self.identityCode,
              case .value(_, let n)? = try? Varint.decode(bytes[1...]) else { return nil }
        return try? PublicKey(protobuf: Array(bytes[(1 + n)...]))
    }

    /// Whether `key` is the key this PeerID names.
    public func matches(_ key: PublicKey) -> Bool { PeerID(publicKey: key) == self }

    /// base58btc of the multihash, as shown everywhere (cached: `PeerIDNames`).
    public var base58: String { PeerIDNames.name(of: self) }

    public var cidV1: String {
        var raw: [UInt8] = [0x01]
        Varint.encode(Self.libp2pKeyCodec, into: &raw)
        return "b" + Base32.encode(raw + bytes)
    }

    public var description: String { base58 }

    /// A short form for the UI and logs: the last 6 characters.
    public var shortDescription: String { String(base58.suffix(6)) }

    public static func < (a: PeerID, b: PeerID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
