import Testing
@testable import Network

/// Keys and PeerIDs against specs/peer-ids/peer-ids.md and the derived vectors in PROTOCOLS.md §1 and §7.
@Suite struct KeysTests {
    static func bytes(_ hex: String) -> [UInt8] { [UInt8](hex: hex)! }

    // specs/peer-ids/peer-ids.md "Test vectors" (libp2p/specs 7740c07).
    static let specPrivateKey = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
        + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    static let specPublicKey = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    static let specPeerID = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
    static let specCID = "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6"

    @Test func ed25519PublicKeyVectorGivesPeerIDInBothTextForms() throws {
        let key = try PublicKey(protobuf: Self.bytes(Self.specPublicKey))
        #expect(key.protobuf.hex == Self.specPublicKey)
        let peer = key.peerID
        #expect(peer.bytes == [0x00, 0x24] + Self.bytes(Self.specPublicKey))
        #expect(peer.base58 == Self.specPeerID)
        #expect(peer.cidV1 == Self.specCID)
        #expect(peer.description == Self.specPeerID)
        #expect(try PeerID(Self.specPeerID) == peer)
        #expect(try PeerID(Self.specCID) == peer)
        #expect(try PeerID(Self.specCID.uppercased().replacingOccurrences(of: "B", with: "b", options: [.anchored])) == peer)
        #expect(peer.publicKey == key)
        #expect(peer.matches(key))
    }

    @Test func specPrivateKeyRoundTripsAndDerivesItsPublicKey() throws {
        let key = try PrivateKey(protobuf: Self.bytes(Self.specPrivateKey))
        #expect(key.protobuf.hex == Self.specPrivateKey)
        #expect(key.publicKey.protobuf.hex == Self.specPublicKey)
        #expect(key.peerID.base58 == Self.specPeerID)
        let again = try PrivateKey(protobuf: key.protobuf)
        #expect(again.publicKey == key.publicKey)
    }

    @Test func legacy96BytePrivateKeyIsAccepted() throws {
        let data = Array(Self.bytes(Self.specPrivateKey).dropFirst(4))   // seed || pk
        let pk = Array(data[32...])
        let legacy = try PrivateKey(protobuf: [0x08, 0x01, 0x12, 0x60] + data + pk)
        #expect(legacy.publicKey.protobuf.hex == Self.specPublicKey)
        #expect(legacy.protobuf.hex == Self.specPrivateKey)   // re-encoded in the preferred 64-byte form

        var wrongCopy = pk
        wrongCopy[0] ^= 1
        #expect(throws: KeyError.mismatchedLegacyPublicKey) {
            try PrivateKey(protobuf: [0x08, 0x01, 0x12, 0x60] + data + wrongCopy)
        }
        var mismatched = data
        mismatched[40] ^= 1   // pk half does not belong to the seed
        #expect(throws: KeyError.malformedKeyEnvelope) { try PrivateKey(protobuf: [0x08, 0x01, 0x12, 0x40] + mismatched) }
        #expect(throws: KeyError.badKeyLength(expected: 64, got: 32)) {
            try PrivateKey(protobuf: [0x08, 0x01, 0x12, 0x20] + Array(data[..<32]))
        }
    }

    @Test func otherKeyTypesAndGarbageAreRejected() throws {
        // The spec table's secp256k1 and ECDSA keys are verified now (points on their curves, re-encoded byte
        // for byte). A key type past ECDSA (py's local ECC_P256 = 4) reads as RSA, proto2's default, and fails as one.
        let secp = Self.bytes("08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99")
        #expect(try PublicKey(protobuf: secp).algorithm == .secp256k1)
        #expect(try PublicKey(protobuf: secp).protobuf == secp)
        let ecdsa = Self.bytes("0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62")
        #expect(try PublicKey(protobuf: ecdsa).algorithm == .ecdsa)
        #expect(try PublicKey(protobuf: ecdsa).protobuf == ecdsa)
        #expect(throws: KeyError.malformedRSAKey) { try PublicKey(protobuf: [0x08, 0x04] + ecdsa[2...]) }
        #expect(throws: KeyError.malformedKeyEnvelope) { try PublicKey(protobuf: [0x08, 0x01, 0x12, 0x20, 0x01]) }
        #expect(throws: KeyError.badKeyLength(expected: 32, got: 31)) {
            try PublicKey(protobuf: [0x08, 0x01, 0x12, 0x1f] + [UInt8](repeating: 1, count: 31))
        }
    }

    @Test func sha256PeerIDExamplesConvertBothWays() throws {
        let legacy = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"
        let cid = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe"
        let a = try PeerID(legacy), b = try PeerID(cid)
        #expect(a == b)
        #expect(a.bytes.count == 34 && a.bytes.prefix(2) == [0x12, 0x20])
        #expect(a.cidV1 == cid && b.base58 == legacy)
        #expect(a.publicKey == nil)   // a hash does not inline the key
    }

    /// PROTOCOLS.md §7: seed = sha256("swift-peer"), checked against py-libp2p.
    @Test func swiftPeerSeedVector() throws {
        let seed = Sodium.sha256(Array("swift-peer".utf8))
        #expect(seed.hex == "51a50b164a468f1dd6992b54a652fbbfc9c394122d354c52e3f7f9dc6922da8c")
        let key = try PrivateKey(seed: seed)
        #expect(key.publicKey.ed25519.hex == "31a4832992cb47a8cd107e0f229f3f592197f7172e5f07ef42c7a40ce89d21b8")
        #expect(key.peerID.base58 == "12D3KooWDA9eATf2w7gVUwaRM4ZtKzkuHZw7FAMa4apwdovUw8P1")
    }

    /// PROTOCOLS.md §7: the StrictSign signature of Message{from, data="hi", seqno=1, topic="chat"}.
    @Test func pubsubSignatureVector() throws {
        let key = try PrivateKey(seed: Sodium.sha256(Array("swift-peer".utf8)))
        let message = Self.bytes("0a2600240801122031a4832992cb47a8cd107e0f229f3f592197f7172e5f07ef42c7a40ce89d21b8"
                                 + "120268691a080000000000000001220463686174")
        #expect(Array(message[2..<40]) == key.peerID.bytes)   // field 1 `from` is the PeerID
        let signed = Array("libp2p-pubsub:".utf8) + message
        let signature = key.sign(signed)
        #expect(signature.hex == "595e8d4e935fc4c51f2da4884ed8a9b036ccb70c6b50f22b6d5c543bf8f9834a"
                + "50683f28da335932f5970b2c2ef86a14d23c9e58c60bfcb377e2875c5aec7b0c")
        #expect(key.publicKey.verify(signature: signature, for: signed))
        #expect(!key.publicKey.verify(signature: signature, for: message))
    }

    @Test func cidWithAnotherCodecIsRejected() throws {
        let multihash = try PeerID(Self.specPeerID).bytes
        for codec: UInt8 in [0x55, 0x70] {   // raw, dag-pb
            let text = "b" + Base32.encode([0x01, codec] + multihash)
            #expect(throws: PeerID.ParseError.notALibp2pKeyCID(codec: UInt64(codec))) { try PeerID(text) }
        }
        #expect(throws: PeerID.ParseError.self) { try PeerID("b" + Base32.encode([0x02, 0x72] + multihash)) }   // CIDv2
        #expect(throws: PeerID.ParseError.self) { try PeerID("z" + Self.specPeerID) }                          // base58 multibase
    }

    @Test func base58GarbageIsRejected() throws {
        for text in ["12D3KooW0OIl", "Qm!!", "1", "", "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p"] {
            #expect(throws: PeerID.ParseError.self, "\(text)") { try PeerID(text) }
        }
        #expect(throws: PeerID.ParseError.invalidText("12D3KooW0OIl")) { try PeerID("12D3KooW0OIl") }
        // Valid base58, but not a multihash a PeerID may be: an identity hash longer than 42 bytes,
        // and one whose length disagrees with its varint.
        #expect(throws: PeerID.ParseError.invalidMultihash) {
            try PeerID(Base58.encode([0x00, 0x30] + [UInt8](repeating: 1, count: 48)))
        }
        #expect(throws: PeerID.ParseError.invalidMultihash) {
            try PeerID(Base58.encode([0x00, 0x24] + [UInt8](repeating: 1, count: 30)))
        }
    }

    @Test func signaturesVerifyOnlyForTheirMessageAndKey() throws {
        let a = PrivateKey.generate(), b = PrivateKey.generate()
        let signature = a.sign(Array("hello".utf8))
        #expect(a.publicKey.verify(signature: signature, for: Array("hello".utf8)))
        #expect(!b.publicKey.verify(signature: signature, for: Array("hello".utf8)))
        #expect(!a.publicKey.verify(signature: Array(signature.dropLast()), for: Array("hello".utf8)))
    }
}
