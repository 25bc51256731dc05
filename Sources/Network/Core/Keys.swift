import SwiftProtobuf

/// Errors from key and PeerID handling.
public enum KeyError: Error, Equatable, Sendable {
    case malformedKeyEnvelope
    case unsupportedKeyType(Int)          // RSA, secp256k1 and ECDSA are not verified yet
    case badKeyLength(expected: Int, got: Int)
    case mismatchedLegacyPublicKey        // 96-byte sk||pk||pk form whose two pk copies differ
}

/// A peer's public key. Only Ed25519 is verified today; other key types are rejected by `init(protobuf:)`.
public struct PublicKey: Hashable, Sendable {
    /// The raw 32-byte Ed25519 public key.
    public let ed25519: [UInt8]

    public init(ed25519 raw: [UInt8]) throws {
        guard raw.count == Sodium.ed25519PublicKeyLength else {
            throw KeyError.badKeyLength(expected: Sodium.ed25519PublicKeyLength, got: raw.count)
        }
        ed25519 = raw
    }

    /// Parses the libp2p `PublicKey` protobuf envelope: `08 01 12 20 <32-byte key>` for Ed25519.
    public init(protobuf bytes: [UInt8]) throws {
        let envelope: PublicKeyProto
        do { envelope = try PublicKeyProto(serializedBytes: bytes) } catch { throw KeyError.malformedKeyEnvelope }
        guard envelope.type == .ed25519 else { throw KeyError.unsupportedKeyType(envelope.type.rawValue) }
        try self.init(ed25519: [UInt8](envelope.data))
    }

    /// The deterministic protobuf envelope (fields in tag order, minimal varints).
    public var protobuf: [UInt8] { [0x08, 0x01, 0x12, 0x20] + ed25519 }

    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        Sodium.ed25519Verify(signature, message, publicKey: ed25519)
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
