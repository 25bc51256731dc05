import Testing
@testable import Network

/// ECDSA (P-256) identities, verification only: the spec table's key, signatures made by OpenSSL (Python
/// `cryptography`) and RFC 6979's deterministic ones, the PeerID py-libp2p computes, and bad keys and
/// signatures refused.
///
/// No live py peer: py-libp2p 0.8.1 cannot have an ECDSA identity. Its `libp2p.crypto.ecc` keys serialize as
/// `08 04 12 41 04‖x‖y` (its local type ECC_P256 = 4 and the raw SEC1 point, not type 3 with PKIX DER), their
/// `sign` and `verify` raise NotImplementedError, and `deserialize_public_key` has no type 3 entry
/// (MissingDeserializerError for the spec's key). So these vectors come from the spec and OpenSSL instead.
@Suite struct ECDSAPublicKeyTests {
    /// specs `peer-ids/peer-ids.md`, test vectors: "ECDSA public key" (its private key derives it).
    static let envelope = hex("0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62")
    static var der: [UInt8] { Array(envelope[4...]) }
    /// The spec's private key signing `message` with `cryptography` 48 (OpenSSL): `sk.sign(message, ECDSA(SHA256()))`.
    static let signature = hex("304502207cfbb4448c9b48773566fabc387f994f12a2cc4e424617cb146da4d3cf29df8302210084590084ace6d1a1d697bd57f73dc87b4021462f503399aaa4e193ae90df076a")
    /// The same r with s' = n − s: also valid ECDSA (P-256 has no low-s rule; go and OpenSSL accept it).
    static let twin = hex("304402207cfbb4448c9b48773566fabc387f994f12a2cc4e424617cb146da4d3cf29df8302207ba6ff7a53192e5f296842a808c237847cc5b47e56e404da4ed837146b841de7")
    static let message = Array("p2p-chat ECDSA P-256 vector: ECDSA over SHA-256, DER".utf8)
    /// `ID.from_pubkey` in py-libp2p 0.8.1 (a `PublicKey` of type ECDSA with these DER bytes) and
    /// base58(12 20 ‖ SHA-256(envelope)) agree.
    static let peer = "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk"

    static func hex(_ text: String) -> [UInt8] { [UInt8](hex: text)! }

    /// A SubjectPublicKeyInfo with the given curve OID contents and BIT STRING contents (all short lengths).
    static func spki(curve: [UInt8] = ECDSAPublicKey.prime256v1OID, bits: [UInt8]) -> [UInt8] {
        func tlv(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] { [tag, UInt8(body.count)] + body }
        return tlv(0x30, tlv(0x30, tlv(0x06, ECDSAPublicKey.ecPublicKeyOID) + tlv(0x06, curve)) + tlv(0x03, bits))
    }

    /// `30 L 02 L r 02 L s` from minimal big-endian r and s.
    static func signature(r: [UInt8], s: [UInt8]) -> [UInt8] {
        func integer(_ x: [UInt8]) -> [UInt8] {
            let body = (x.first.map { $0 & 0x80 != 0 } ?? true ? [0] : []) + x
            return [0x02, UInt8(body.count)] + body
        }
        let body = integer(r) + integer(s)
        return [0x30, UInt8(body.count)] + body
    }

    static let n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
    static let r = Array(signature[4..<36]), s = Array(signature[39...])

    @Test func theSpecKeyParsesAndItsPeerIDMatchesPys() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        #expect(key.algorithm == .ecdsa)
        #expect(key.protobuf == Self.envelope, "re-encoded byte for byte, so the PeerID hashes the same bytes")
        #expect(Self.envelope.count > PeerID.maxInlineKeyLength, "so the PeerID is the envelope's SHA-256")
        #expect(key.peerID.bytes == [0x12, 0x20] + Sodium.sha256(Self.envelope))
        #expect(key.peerID.base58 == Self.peer)
        #expect(try PeerID(Self.peer).matches(key))
        #expect(try PeerID(Self.peer).publicKey == nil, "a hashed PeerID does not inline its key")
        #expect(try PublicKey(ecdsa: ECDSAPublicKey(der: Self.der)) == key)
    }

    @Test func opensslSignaturesVerify() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        #expect(key.verify(signature: Self.signature, for: Self.message))
        #expect(key.verify(signature: Self.twin, for: Self.message))
    }

    /// RFC 6979 §A.2.5 (P-256, SHA-256): the key and the deterministic signatures of "sample" and "test".
    @Test(arguments: [
        ("sample", "3046022100efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716022100f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"),
        ("test", "3045022100f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d383670220019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"),
    ])
    func rfc6979VectorsVerify(message: String, signature: String) throws {
        let key = try ECDSAPublicKey(der: Self.spki(bits: [0x00, 0x04] + Self.hex(
            "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")))
        #expect(key.verify(signature: Self.hex(signature), for: Array(message.utf8)))
        #expect(!key.verify(signature: Self.hex(signature), for: Array((message + ".").utf8)))
        #expect(!(try PublicKey(protobuf: Self.envelope)).verify(signature: Self.hex(signature), for: Array(message.utf8)),
                "another key")
    }

    @Test func anyChangeBreaksTheSignature() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        var message = Self.message
        message[5] ^= 1
        #expect(!key.verify(signature: Self.signature, for: message))
        #expect(!key.verify(signature: Self.signature, for: []))
        for index in [10, 30, 45, 70] {
            var signature = Self.signature
            signature[index] ^= 0x01
            #expect(!key.verify(signature: signature, for: Self.message), "byte \(index)")
        }
        #expect(!key.verify(signature: Self.signature(r: Self.s, s: Self.r), for: Self.message), "r and s swapped")
    }

    /// r and s must be in [1, n − 1]; (r, s + n) would verify with a careless reduction.
    @Test func rAndSOutsideOneToNMinusOneAreRefused() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        #expect(key.verify(signature: Self.signature(r: Self.r, s: Self.s), for: Self.message), "the helper re-encodes it")
        var sPlusN = BigUInt(bigEndian: Self.s).limbs.padded(9)
        var carry: UInt64 = 0
        for (i, limb) in BigUInt(bigEndian: Self.n).limbs.enumerated() {
            let total = UInt64(sPlusN[i]) + UInt64(limb) + carry
            sPlusN[i] = UInt32(truncatingIfNeeded: total)
            carry = total >> 32
        }
        sPlusN[8] = UInt32(carry)
        let bad: [(String, [UInt8], [UInt8])] = [
            ("r = 0", [], Self.s), ("s = 0", Self.r, []), ("r = n", Self.n, Self.s), ("s = n", Self.r, Self.n),
            ("r = 2²⁵⁶ − 1", [UInt8](repeating: 0xff, count: 32), Self.s),
            ("s + n (33 bytes)", Self.r, Array(BigUInt(limbs: sPlusN).bigEndianBytes(count: 33).drop(while: { $0 == 0 }))),
        ]
        for (name, r, s) in bad {
            #expect(!key.verify(signature: Self.signature(r: r, s: s), for: Self.message), "\(name)")
        }
    }

    @Test func malformedSignatureDERIsRefused() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        let sig = Self.signature
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("a byte after the DER", sig + [0]),
            ("truncated", Array(sig.dropLast())),
            ("not a SEQUENCE", [0x31] + sig.dropFirst()),
            ("long-form length that fits the short form", [0x30, 0x81, sig[1]] + sig[2...]),
            ("s not minimal (a second 00)", [0x30, sig[1] + 1] + sig[2..<36] + [0x02, 0x22, 0x00, 0x00] + Self.s),
            ("s negative (its 00 dropped)", [0x30, sig[1] - 1] + sig[2..<36] + [0x02, 0x20] + Self.s),
            ("three integers", [0x30, sig[1] + 3] + sig[2...] + [0x02, 0x01, 0x01]),
            ("the raw 64-byte r ‖ s", Self.r + Self.s),
        ]
        for (name, bytes) in cases {
            #expect(!key.verify(signature: bytes, for: Self.message), "\(name)")
        }
        // r with a superfluous leading 00 (r's top bit is clear, so DER forbids it).
        let padded = [0x30, sig[1] + 1, 0x02, 0x21, 0x00] + sig[4...]
        #expect(!key.verify(signature: padded, for: Self.message), "r not minimal")
    }

    @Test func keysOffTheCurveOrMalformedAreRefused() throws {
        let point = Array(Self.der[26...])   // 04 ‖ x ‖ y
        #expect(point.count == 65 && point[0] == 4)
        #expect(try ECDSAPublicKey(der: Self.spki(bits: [0] + point)).der == Self.der, "the helper rebuilds the spec key")
        var offCurve = point
        offCurve[64] ^= 1
        let xIsP = [0x04] + Self.hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff") + point[33...]
        let compressed = [0x02] + point[1...32]
        let cases: [(String, [UInt8])] = [
            ("y changed: off the curve", Self.spki(bits: [0] + offCurve)),
            ("x = p", Self.spki(bits: [0] + xIsP)),
            ("(0, 0), no point (infinity has no affine form)", Self.spki(bits: [0, 4] + [UInt8](repeating: 0, count: 64))),
            ("infinity's SEC1 encoding", Self.spki(bits: [0, 0])),
            ("compressed point (refused, like go)", Self.spki(bits: [0] + compressed)),
            ("unused bits in the BIT STRING", Self.spki(bits: [1] + point)),
            ("short point", Self.spki(bits: [0] + point.dropLast())),
            ("a byte after the DER", Self.der + [0]),
            ("truncated", Array(Self.der.dropLast())),
            ("empty", []),
            ("rsaEncryption's OID", Array(Self.der[0..<4]) + [0x06, 0x07] + RSAPublicKey.rsaEncryptionOID[0..<7] + Self.der[13...]),
        ]
        for (name, der) in cases {
            #expect(throws: KeyError.malformedECDSAKey, "\(name)") { try ECDSAPublicKey(der: der) }
        }
        // Explicit curve parameters (a SEQUENCE where the named curve's OID goes) are not a named curve.
        var explicit = Self.der
        explicit[13] = 0x30
        #expect(throws: KeyError.malformedECDSAKey) { try ECDSAPublicKey(der: explicit) }
    }

    @Test func otherCurvesAreRefusedByName() throws {
        // A P-384 key (`cryptography`: derive_private_key(12345, SECP384R1())), curve secp384r1 = 1.3.132.0.34.
        let p384 = Self.hex("3076301006072a8648ce3d020106052b8104002203620004e86b995e350e4d312a95a6b7d5d8cdcdb4682f588800a1cd6c972e1dcb2a5ac38d90046951b03ccb3b179a89fda88b1b485b9f2c1f44b0dd41ce6e3c3a690bbfaabec1e1ff4aefb2461fdda6629becbd43cf74c13d8c1a1625612243f0046148")
        #expect(throws: KeyError.unsupportedECDSACurve(oid: [0x2b, 0x81, 0x04, 0x00, 0x22])) { try ECDSAPublicKey(der: p384) }
        // The P-256 point labelled secp256k1 (1.3.132.0.10): the curve is taken from the OID, never guessed.
        let bits = Array(Self.der[25...])   // 00 04 ‖ x ‖ y
        #expect(throws: KeyError.unsupportedECDSACurve(oid: [0x2b, 0x81, 0x04, 0x00, 0x0a])) {
            try ECDSAPublicKey(der: Self.spki(curve: [0x2b, 0x81, 0x04, 0x00, 0x0a], bits: bits))
        }
        #expect(throws: KeyError.unsupportedECDSACurve(oid: [0x2b, 0x81, 0x04, 0x00, 0x22])) {
            try PublicKey(protobuf: [0x08, 0x03, 0x12, UInt8(p384.count)] + p384)
        }
    }
}
