import Testing
@testable import Network

/// Signed peer records (RFC 0002 envelope, RFC 0003 record): a record sealed by py-libp2p 0.8.1 verifies and
/// ours is byte-identical to it (Ed25519 signatures are deterministic); every way a record can lie is refused.
@Suite struct SignedPeerRecordTests {
    /// The seed 00 01 … 1f, as `create_new_key_pair(bytes(range(32)))` in py-libp2p.
    static let key = try! PrivateKey(seed: Array(0..<32))
    static let addresses = [try! Multiaddr("/ip4/192.0.2.7/tcp/4001"), try! Multiaddr("/ip6/::1/tcp/4002")]
    static let seq: UInt64 = 1_700_000_000_000_000_000

    /// `seal_record(PeerRecord(id, addresses, seq), key).marshal_envelope()` from py-libp2p 0.8.1.
    static let pyEnvelope = [UInt8](hex:
        "0a240801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8120203011a560a2600240801122003"
        + "a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8108080a8b1e39fe7cb171a0a0a0804c0000207060f"
        + "a11a160a142900000000000000000000000000000001060fa22a404b11bd941d7e5f0d5872a25939810fc229dbe5e5bc56715d85"
        + "8ceb48ac371221ca9df6c030993412d4e242f01bb6d6e0ccf60dc720d06e1e120c709f91a7f108")!

    @Test func aRecordSealedByPyLibp2pVerifies() throws {
        let record = try SignedPeerRecord(verifying: Self.pyEnvelope)
        #expect(record.peer.base58 == "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB")
        #expect(record.peer == Self.key.peerID)
        #expect(record.seq == Self.seq)
        #expect(record.addresses == Self.addresses)
        #expect(record.envelope == Self.pyEnvelope)
    }

    @Test func oursIsByteIdenticalToPyLibp2psAndVerifies() throws {
        let ours = SignedPeerRecord(addresses: Self.addresses.map { $0.withPeerID(Self.key.peerID) }, seq: Self.seq, key: Self.key)
        #expect(ours.envelope == Self.pyEnvelope, "\(ours.envelope.hex)")
        #expect(try SignedPeerRecord(verifying: ours.envelope) == ours)
    }

    /// Rebuilds an envelope field by field, so each test can change one thing.
    static func envelope(key: [UInt8] = key.publicKey.protobuf, type: [UInt8] = SignedPeerRecord.payloadType,
                         payload: [UInt8], signature: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        ProtoWire.appendBytes(1, key, to: &out)
        ProtoWire.appendBytes(2, type, to: &out)
        ProtoWire.appendBytes(3, payload, to: &out)
        ProtoWire.appendBytes(5, signature, to: &out)
        return out
    }

    static func payload(peer: PeerID = key.peerID, addresses: [Multiaddr] = addresses) -> [UInt8] {
        var out: [UInt8] = []
        ProtoWire.appendBytes(1, peer.bytes, to: &out)
        ProtoWire.appendVarintField(2, 7, to: &out)
        for address in addresses {
            var info: [UInt8] = []
            ProtoWire.appendBytes(1, address.bytes, to: &info)
            ProtoWire.appendBytes(3, info, to: &out)
        }
        return out
    }

    static func signed(_ payload: [UInt8], by key: PrivateKey = key) -> [UInt8] {
        key.sign(SignedPeerRecord.signedBytes(payload))
    }

    @Test func aChangedAddressBreaksTheSignature() {
        let original = Self.payload()
        let forged = Self.payload(addresses: [try! Multiaddr("/ip4/203.0.113.66/tcp/4001")])
        #expect(throws: SignedPeerRecord.Error.badSignature) {
            try SignedPeerRecord(verifying: Self.envelope(payload: forged, signature: Self.signed(original)))
        }
    }

    @Test func aSignatureForAnotherDomainIsRefused() {
        let payload = Self.payload()
        var other: [UInt8] = []
        for field in [Array("libp2p-routing-state".utf8), SignedPeerRecord.payloadType, payload] {
            ProtoWire.appendVarint(UInt64(field.count), to: &other)
            other += field
        }
        #expect(throws: SignedPeerRecord.Error.badSignature) {
            try SignedPeerRecord(verifying: Self.envelope(payload: payload, signature: Self.key.sign(other)))
        }
    }

    /// Mallory signs a record that claims to be Alice's: valid signature, wrong peer.
    @Test func aRecordAboutSomeoneElseIsRefused() {
        let mallory = PrivateKey.generate()
        let payload = Self.payload(peer: Self.key.peerID)
        #expect(throws: SignedPeerRecord.Error.peerMismatch) {
            try SignedPeerRecord(verifying: Self.envelope(key: mallory.publicKey.protobuf, payload: payload,
                                                          signature: Self.signed(payload, by: mallory)))
        }
    }

    @Test func anotherPayloadTypeIsRefused() {
        let payload = Self.payload()
        #expect(throws: SignedPeerRecord.Error.unsupportedPayloadType(Array("/libp2p/routing-state-record".utf8))) {
            try SignedPeerRecord(verifying: Self.envelope(type: Array("/libp2p/routing-state-record".utf8),
                                                          payload: payload, signature: Self.signed(payload)))
        }
    }

    /// A record of the spec's ECDSA (P-256) key, `/ip4/192.0.2.7/tcp/4001`, signed by OpenSSL (Python
    /// `cryptography`) over the same signed bytes: it verifies, names the key's `Qm…` PeerID, and another
    /// address under the same signature does not.
    @Test func aRecordSignedWithAnECDSAKeyVerifies() throws {
        let key = try PublicKey(protobuf: ECDSAPublicKeyTests.envelope)
        let payload = Self.payload(peer: key.peerID, addresses: [Self.addresses[0]])
        let signature = [UInt8](hex: "30440220574d6cec07d4a02953529ea21e5cd5523287cc0608cc02be3be34e8fbe8d9e5e0220522d35770e425ff11462cad10851aecedb0ddbe94958cf720de0f2f982328291")!
        let record = try SignedPeerRecord(verifying: Self.envelope(key: key.protobuf, payload: payload, signature: signature))
        #expect(record.peer.base58 == ECDSAPublicKeyTests.peer)
        #expect(record.addresses == [Self.addresses[0]])
        let moved = Self.payload(peer: key.peerID, addresses: [Self.addresses[1]])
        #expect(throws: SignedPeerRecord.Error.badSignature) {
            try SignedPeerRecord(verifying: Self.envelope(key: key.protobuf, payload: moved, signature: signature))
        }
    }

    @Test func malformedRSAAndECDSAKeysAreRefused() {
        let payload = Self.payload()
        let rsa: [UInt8] = [0x08, 0x00, 0x12, 0x03, 1, 2, 3]
        #expect(throws: SignedPeerRecord.Error.unsupportedKey(.malformedRSAKey)) {
            try SignedPeerRecord(verifying: Self.envelope(key: rsa, payload: payload, signature: Self.signed(payload)))
        }
        let ecdsa: [UInt8] = [0x08, 0x03, 0x12, 0x03, 1, 2, 3]
        #expect(throws: SignedPeerRecord.Error.unsupportedKey(.malformedECDSAKey)) {
            try SignedPeerRecord(verifying: Self.envelope(key: ecdsa, payload: payload, signature: Self.signed(payload)))
        }
    }

    @Test(arguments: [
        ("empty", [], SignedPeerRecord.Error.missingField("public_key")),
        ("truncated", Array(pyEnvelope.prefix(40)), .malformed(.truncated(at: 40))),
        ("no signature", Array(pyEnvelope.prefix(2 + 0x24 + 4 + 2 + 0x56)), .missingField("signature")),
    ] as [(String, [UInt8], SignedPeerRecord.Error)])
    func malformedEnvelopesAreTypedErrors(name: String, bytes: [UInt8], expected: SignedPeerRecord.Error) {
        #expect(throws: expected, "\(name)") { try SignedPeerRecord(verifying: bytes) }
    }

    @Test func anOversizedEnvelopeIsRefusedBeforeParsing() {
        let big = [UInt8](repeating: 0, count: SignedPeerRecord.maxSize + 1)
        #expect(throws: SignedPeerRecord.Error.tooLarge(size: big.count, limit: SignedPeerRecord.maxSize)) {
            try SignedPeerRecord(verifying: big)
        }
    }

    /// Addresses we cannot parse (a transport we do not know) are left out; the rest of the record stands.
    @Test func unknownAddressesAreSkipped() throws {
        var payload = Self.payload(addresses: [])
        ProtoWire.appendBytes(3, [0x0a, 0x03, 0xff, 0xff, 0x7f], to: &payload)   // protocol code 0x1fffff
        payload += Self.payload(addresses: Self.addresses).dropFirst(2 + 0x24 + 2)   // the two address fields
        let record = try SignedPeerRecord(verifying: Self.envelope(payload: payload, signature: Self.signed(payload)))
        #expect(record.addresses == Self.addresses)
        #expect(record.seq == 7)
    }

    @Test func atMostMaxAddressesAreKept() throws {
        let payload = Self.payload(addresses: Array(repeating: Self.addresses[0], count: SignedPeerRecord.maxAddresses + 5))
        let record = try SignedPeerRecord(verifying: Self.envelope(payload: payload, signature: Self.signed(payload)))
        #expect(record.addresses.count == SignedPeerRecord.maxAddresses)
    }
}
