import Testing
@testable import Network

/// secp256k1 identities (verification only): py-libp2p 0.8.1's vector (coincurve), the PeerID, and bad keys and
/// signatures refused.
@Suite struct Secp256k1PublicKeyTests {
    /// `libp2p.crypto.secp256k1.create_new_key_pair()`, `public_key.serialize()`, `private_key.sign(message)` (DER),
    /// `ID.from_pubkey(public_key).to_base58()`.
    static let envelope = RSAPublicKeyTests.hex("08021221025055a9bb983568fd788ef060bc6612e6bb3c265077d49bb6e2299ac35896a07a")
    static let signature = RSAPublicKeyTests.hex("3045022100f386d94c59b4ed484f46a3387803e978df5bf403105931a435c5afa79967e93002201c11739b7f8aa7c5767a7bed6a55da271011bf77750f6d365bf87c8ed5c5a19d")
    static let message = Array("p2p-chat secp256k1 vector: ECDSA over SHA-256, DER".utf8)
    static let peer = "16Uiu2HAkzqGMdxTxy3dX2ggAQ8mXgYqRhjZfQnZmMFyh7PSK4C6M"

    @Test func pysSignatureVerifiesAndThePeerIDMatches() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        #expect(key.algorithm == .secp256k1)
        #expect(key.verify(signature: Self.signature, for: Self.message))
        #expect(key.protobuf == Self.envelope)
        #expect(key.peerID.base58 == Self.peer)
        #expect(try PeerID(Self.peer).publicKey == key, "an identity PeerID inlines the key")
    }

    @Test func anyChangeBreaksTheSignature() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        var message = Self.message
        message[3] ^= 1
        #expect(!key.verify(signature: Self.signature, for: message))
        for index in [10, 40, 60] {
            var signature = Self.signature
            signature[index] ^= 0x01
            #expect(!key.verify(signature: signature, for: Self.message), "byte \(index)")
        }
        #expect(!key.verify(signature: Self.signature + [0], for: Self.message), "bytes after the DER")
        #expect(!key.verify(signature: [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01], for: Self.message), "r = 0")
        // The other point with this x (the prefix flipped) is another key: the signature fails.
        var flipped = Self.envelope
        flipped[4] ^= 1   // 02 ↔ 03
        #expect(!(try PublicKey(protobuf: flipped)).verify(signature: Self.signature, for: Self.message))
    }

    @Test func keysOffTheCurveOrMalformedAreRefused() {
        let x = Array(Self.envelope[5...])
        #expect(throws: KeyError.malformedSecp256k1Key) { try Secp256k1PublicKey(compressed: [0x04] + x) }
        #expect(throws: KeyError.malformedSecp256k1Key) { try Secp256k1PublicKey(compressed: Array(Self.envelope[4...].dropLast())) }
        #expect(throws: KeyError.malformedSecp256k1Key) {   // x = 5: 5³ + 7 = 132 is not a square mod p
            try Secp256k1PublicKey(compressed: [0x02] + [UInt8](repeating: 0, count: 31) + [5])
        }
        #expect(throws: KeyError.malformedSecp256k1Key) {   // x ≥ p
            try Secp256k1PublicKey(compressed: [0x02] + [UInt8](repeating: 0xff, count: 32))
        }
    }
}
