import SwiftProtobuf

/// Errors from key and PeerID handling.
public enum KeyError: Error, Equatable, Sendable {
    case malformedKeyEnvelope
    case unsupportedKeyType(Int)          // a private key that is not Ed25519
    case badKeyLength(expected: Int, got: Int)
    case mismatchedLegacyPublicKey        // 96-byte sk||pk||pk form whose two pk copies differ
    case malformedRSAKey                  // not a PKIX SubjectPublicKeyInfo of an RSA key
    case rsaKeySize(bits: Int)            // outside RSAPublicKey.minBits…maxBits
    case malformedSecp256k1Key            // not a 33-byte compressed point on the curve
    case malformedECDSAKey                // not a PKIX SubjectPublicKeyInfo of an uncompressed EC point on the curve
    case unsupportedECDSACurve(oid: [UInt8])   // an EC key on another named curve than P-256 (the OID's contents)
}

/// A peer's public key: Ed25519 (ours, and what p2p-chat, py and most of today's peers use), or — verified only —
/// RSA (peers such as the `Qm…` IPFS bootstrap nodes), secp256k1 (`16Uiu2…`) or ECDSA on P-256 (`Qm…`).
public struct PublicKey: Hashable, Sendable {
    public enum Algorithm: Sendable { case ed25519, rsa, secp256k1, ecdsa }

    private enum Material: Hashable, Sendable {
        case ed25519([UInt8])
        case rsa(RSAPublicKey)
        case secp256k1(Secp256k1PublicKey)
        case ecdsa(ECDSAPublicKey)
    }
    private let material: Material

    public init(ed25519 raw: [UInt8]) throws {
        guard raw.count == Sodium.ed25519PublicKeyLength else {
            throw KeyError.badKeyLength(expected: Sodium.ed25519PublicKeyLength, got: raw.count)
        }
        material = .ed25519(raw)
    }

    public init(rsa: RSAPublicKey) { material = .rsa(rsa) }
    public init(secp256k1: Secp256k1PublicKey) { material = .secp256k1(secp256k1) }
    public init(ecdsa: ECDSAPublicKey) { material = .ecdsa(ecdsa) }

    /// Parses the libp2p `PublicKey` protobuf envelope: `08 01 12 20 <32-byte key>` for Ed25519,
    /// `08 00 12 <len> <SubjectPublicKeyInfo DER>` for RSA, `08 02 12 21 <compressed point>` for secp256k1,
    /// `08 03 12 5b <SubjectPublicKeyInfo DER>` for ECDSA (P-256). A missing `Type` reads as its default, RSA (0):
    /// py-libp2p leaves it out of the key in its signed peer records; the PeerID still hashes the full form.
    /// So does an unknown `Type` (proto2 enums are closed; py's local ECC_P256 = 4, for one): its data is then
    /// refused as a malformed RSA key.
    public init(protobuf bytes: [UInt8]) throws {
        let envelope: PublicKeyProto
        do { envelope = try PublicKeyProto(serializedBytes: bytes, partial: true) } catch { throw KeyError.malformedKeyEnvelope }
        switch envelope.type {
        case .ed25519: try self.init(ed25519: [UInt8](envelope.data))
        case .rsa: self.init(rsa: try RSAPublicKey(der: [UInt8](envelope.data)))
        case .secp256K1: self.init(secp256k1: try Secp256k1PublicKey(compressed: [UInt8](envelope.data)))
        case .ecdsa: self.init(ecdsa: try ECDSAPublicKey(der: [UInt8](envelope.data)))
        }
    }

    public var algorithm: Algorithm {
        switch material {
        case .ed25519: return .ed25519
        case .rsa: return .rsa
        case .secp256k1: return .secp256k1
        case .ecdsa: return .ecdsa
        }
    }

    /// The raw 32-byte Ed25519 key; empty for another algorithm (check `algorithm` first).
    public var ed25519: [UInt8] {
        if case .ed25519(let raw) = material { return raw }
        return []
    }

    /// The deterministic protobuf envelope (fields in tag order, minimal varints; the type is always written).
    public var protobuf: [UInt8] {
        switch material {
        case .ed25519(let raw): return [0x08, 0x01, 0x12, 0x20] + raw
        case .rsa(let key): return Self.envelope(type: 0, key.der)
        case .secp256k1(let key): return [0x08, 0x02, 0x12, 0x21] + key.compressed
        case .ecdsa(let key): return Self.envelope(type: 3, key.der)
        }
    }

    /// `08 <type> 12 <uvarint len> <data>`.
    private static func envelope(type: UInt8, _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x08, type, 0x12]
        Varint.encode(UInt64(data.count), into: &out)
        return out + data
    }

    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        switch material {
        case .ed25519(let raw): return Sodium.ed25519Verify(signature, message, publicKey: raw)
        case .rsa(let key): return key.verify(signature: signature, for: message)
        case .secp256k1(let key): return key.verify(signature: signature, for: message)
        case .ecdsa(let key): return key.verify(signature: signature, for: message)
        }
    }

    public var peerID: PeerID { PeerID(publicKey: self) }
}

/// The node's Ed25519 identity key.
public struct PrivateKey: Sendable {
    /// libsodium's 64-byte secret key, `seed || pk`, which is exactly libp2p's `PrivateKey.Data`.
    let secretKey: [UInt8]
    public let publicKey: PublicKey

    public init(seed: [UInt8]) throws {
        let pair = try Sodium.ed25519KeyPair(seed: seed)
        secretKey = pair.secretKey
        publicKey = try PublicKey(ed25519: pair.publicKey)
    }

    /// A fresh random identity.
    public static func generate() -> PrivateKey {
        try! PrivateKey(seed: Sodium.randomBytes(Sodium.ed25519SeedLength))
    }

    /// Parses the libp2p `PrivateKey` protobuf envelope (64-byte `seed||pk`, or the legacy 96-byte `sk||pk||pk`).
    public init(protobuf bytes: [UInt8]) throws {
        let envelope: PrivateKeyProto
        do { envelope = try PrivateKeyProto(serializedBytes: bytes) } catch { throw KeyError.malformedKeyEnvelope }
        guard envelope.type == .ed25519 else { throw KeyError.unsupportedKeyType(envelope.type.rawValue) }
        let data = [UInt8](envelope.data)
        switch data.count {
        case 64: break
        case 96: guard data[32..<64] == data[64..<96] else { throw KeyError.mismatchedLegacyPublicKey }
        default: throw KeyError.badKeyLength(expected: 64, got: data.count)
        }
        try self.init(seed: Array(data[0..<32]))
        guard Array(data[32..<64]) == publicKey.ed25519 else { throw KeyError.malformedKeyEnvelope }
    }

    public var protobuf: [UInt8] { [0x08, 0x01, 0x12, 0x40] + secretKey }

    public func sign<M: ContiguousBytes>(_ message: M) -> [UInt8] {
        Sodium.ed25519Sign(message, secretKey: secretKey)
    }

    public var peerID: PeerID { publicKey.peerID }
}
