import Testing
@testable import Network

/// RSA identities (verification only): the py-libp2p 0.8.1 vector, the PeerID of an RSA key, and bad keys and
/// signatures refused.
@Suite struct RSAPublicKeyTests {
    /// Made with py-libp2p 0.8.1: `libp2p.crypto.rsa.create_new_key_pair(2048)`, `public_key.serialize()`,
    /// `private_key.sign(message)`, `ID.from_pubkey(public_key).to_base58()`.
    static let envelope = hex("080012a60230820122300d06092a864886f70d01010105000382010f003082010a0282010100c13be7c94b0b9b0cc2843774d2e4fbe59ed076d19ca21e2071bede17c7ff2de1ab43cc23247093cace53502f353b5fa3da55138d407db5a4a4d313685744611f7933d1a7d0397791bba485ee686e8addfec9125c8675f06c5071419fc52d41f6e7bc8f67f2412a9171f64e6841eb32c9060707b3d475bcfd4cd4c940e463d60f76389c29c37aaf0bbae03887a9ccb4b099af576668050d481f919687c488d3f2c4625d0b3710c64132896d88f3549be2c4d021da4749713411294e73f9310d5fe16fcbd39d83483168014d488d6fd14f153e2c094fb639c68f072b2b33ee2c789be7fdb055de09f3e7c0aa802a2c17d918b407267ffdcbb39d0db4ae8a52f05d0203010001")
    static let signature = hex("6cb1c6ad6803aa35d1465b4e56613764ee5cbdd940960ea00cc6c6d1216a16a4f3a8eb5111460f01ed2eedcdc6a0d49f3ae48f81254a5d44adb2269223fd6e5b281578ca1b77385cff9483d4687f113813c3003bd4e6e8e6667aba86e9f9873097aea2e3a4bfca61c2624351b85cafcea2936e20cd58f0264d86370ce14c84945817ded9bf7bf058109d4172e9777c00a9683d659c96549121f16e3b06e067a26893328665a86acdf9a411a24becb171080249abb154f7b401967edcca38660e846241ecb548cea3c4e76d05f8e7ad663d9f512b9ac5ba460086a5b075ad4912e3b531a673609a43f9d2e9fbee837eb5d5d05df4ae10f525cb3652d9bc937bd4")
    static let message = Array("p2p-chat RSA vector: RSASSA-PKCS1-v1_5 with SHA-256".utf8)
    static let peer = "QmdZSzFxgPcVPcYAuKQmLwM2vaNbCYsog1z7CiTC6SFpPi"

    /// A SubjectPublicKeyInfo for modulus `n` and exponent `e` (big-endian, positive).
    static func spki(n: [UInt8], e: [UInt8]) -> [UInt8] {
        func tlv(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
            let length: [UInt8] = body.count < 0x80 ? [UInt8(body.count)]
                : body.count < 0x100 ? [0x81, UInt8(body.count)] : [0x82, UInt8(body.count >> 8), UInt8(body.count & 0xff)]
            return [tag] + length + body
        }
        func integer(_ x: [UInt8]) -> [UInt8] { tlv(0x02, (x[0] & 0x80 != 0 ? [0] : []) + x) }
        let algorithm = tlv(0x30, tlv(0x06, RSAPublicKey.rsaEncryptionOID) + [0x05, 0x00])
        return tlv(0x30, algorithm + tlv(0x03, [0x00] + tlv(0x30, integer(n) + integer(e))))
    }

    static func hex(_ text: String) -> [UInt8] { [UInt8](hex: text)! }

    @Test func pysSignatureVerifiesAndThePeerIDMatches() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        #expect(key.algorithm == .rsa)
        #expect(key.verify(signature: Self.signature, for: Self.message))
        #expect(key.protobuf == Self.envelope, "re-encoded byte for byte, so the PeerID hashes the same bytes")
        #expect(key.peerID.base58 == Self.peer)
        #expect(try PeerID(Self.peer).matches(key))
        #expect(try PeerID(Self.peer).publicKey == nil, "a hashed PeerID does not inline its key")
    }

    @Test func anyChangeBreaksTheSignature() throws {
        let key = try PublicKey(protobuf: Self.envelope)
        var message = Self.message
        message[0] ^= 1
        #expect(!key.verify(signature: Self.signature, for: message))
        for index in [0, 100, 255] {
            var signature = Self.signature
            signature[index] ^= 0x80
            #expect(!key.verify(signature: signature, for: Self.message), "byte \(index)")
        }
        #expect(!key.verify(signature: Array(Self.signature.dropFirst()), for: Self.message), "short")
        #expect(!key.verify(signature: [UInt8](repeating: 0xff, count: 256), for: Self.message), "≥ n")
        #expect(!key.verify(signature: [UInt8](repeating: 0, count: 256), for: Self.message), "zero")
    }

    @Test func malformedAndSmallKeysAreRefused() throws {
        let der = Array(Self.envelope[5...])
        #expect(throws: KeyError.malformedRSAKey) { try RSAPublicKey(der: Array(der.dropLast())) }
        #expect(throws: KeyError.malformedRSAKey) { try RSAPublicKey(der: der + [0]) }
        var wrongOID = der
        wrongOID[8 + 8] ^= 1   // inside 2a864886f70d010101
        #expect(throws: KeyError.malformedRSAKey) { try RSAPublicKey(der: wrongOID) }
        #expect(throws: KeyError.malformedRSAKey) { try RSAPublicKey(der: []) }

        // The vector's layout rebuilt around other numbers: a 1024-bit modulus is under the minimum; a 32-bit
        // exponent is accepted and a 40-bit one refused (verify cost grows with e's bits).
        let n = try RSAPublicKey(der: der).modulus
        #expect(Self.spki(n: n, e: [1, 0, 1]) == der, "the builder reproduces the vector")
        #expect(throws: KeyError.rsaKeySize(bits: 1024)) { try RSAPublicKey(der: Self.spki(n: Array(n.prefix(128)), e: [1, 0, 1])) }
        #expect(throws: Never.self) { try RSAPublicKey(der: Self.spki(n: n, e: [1, 0, 0, 1])) }
        #expect(throws: KeyError.malformedRSAKey) { try RSAPublicKey(der: Self.spki(n: n, e: [1, 0, 0, 0, 1])) }
        #expect(throws: KeyError.malformedRSAKey) { try RSAPublicKey(der: Self.spki(n: n, e: [2])) }   // even
    }

    @Test func montgomeryPowerMatchesSmallNumbers() {
        // 4^13 mod 497 = 445 (the textbook example), and Fermat: a^(p-1) = 1 mod p for p = 2^61 - 1.
        #expect(BigUInt(limbs: [4]).power(BigUInt(limbs: [13]), modulus: BigUInt(limbs: [497])) == BigUInt(limbs: [445]))
        let p = BigUInt(limbs: [0xffff_ffff, 0x1fff_ffff])
        let pMinus1 = BigUInt(limbs: [0xffff_fffe, 0x1fff_ffff])
        #expect(BigUInt(limbs: [123_456_789]).power(pMinus1, modulus: p) == BigUInt(limbs: [1]))
    }

    /// py-libp2p 0.8.1's signed peer record for an RSA host (listening on 127.0.0.1): its envelope's key leaves
    /// out `Type` (RSA is the default), and the record still names the PeerID of the full key form.
    @Test func pysRSASignedPeerRecordVerifies() throws {
        let record = try SignedPeerRecord(verifying: Self.hex("0aa90212a60230820122300d06092a864886f70d01010105000382010f003082010a0282010100a29fe171a34a25d1d608ee833588de6aea733797f9031747fabcbe93287548a74c45f12b2c3d566a334f4c74a7c97c88740a33bcc27c7bea28fbb2a6143be86bc470b4d40cc34b2004dc2266999316f67fe5bfe5c70c468cbd9ccc3c1720500b60c10649c01fadf9be609ef580b7666d14b1eee2dce6da982db5abd6fc46759e9f41b148af374b1011c5465375e308e424852f35497dd8985d82daa9877b841dfba868b9ef6901701d3e9f6f6808f77850e667eba82652d19331b5fd0c0b04e313c1985d68044e2d8132c74d6fe8d50561a77e9c28d0a0289e16f348ac2f1df444421baf07b19616e2ab20676c9c9bb78860fdb3a9a5b820adc934ccc01678650203010001120203011a5f0a2212207326383a3756173efc092764947689ae1b3881e490c21a2baec9cf172a722a901091e480f8bd86daf6181a2f0a2d047f0000010691fba5032212207326383a3756173efc092764947689ae1b3881e490c21a2baec9cf172a722a902a80024f405cfec685b57f7239f59427e2c4cf945904eec9209f0e4e79f753ab5e9dc601f31a7514d3a09fb73bf29d03c0fabbd453e61a0072990bf1fccd2d8b78d1b907ef13ed9167d46ee3afd9a9098553c9c65d0feafc65bb7cf3ceab2c44a0cb962606aa7eeb04fb8da47639473e55ed3126bf003f84cde48247dd90c5fb9b0bf9807d0cb697c5292321af7a9baf8407a9a25774e002388282cf564de27bc6e5ab4c1f95f5dbc2aa8f01647a219443d3f020276f022268990f7fd1ba7385766c44f6f01d555bbc8b937bfc9d1343e75c0dc0d5c6525a998691ec5498316878f312fb03b222e089d0d818aa93813c8b839d9cd429b867cd9508556c0e160689517f"))
        #expect(record.peer.base58 == "QmW69PwpPE8FDV5iokeYV3yUHGpWJPf3NoyU4ze45NLtdu")
        #expect(record.addresses.count == 1)
    }
}
