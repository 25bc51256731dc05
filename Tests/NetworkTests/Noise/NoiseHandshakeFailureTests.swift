import Foundation
import Testing
@testable import Network

/// Malformed, tampered and malicious handshake input.
@Suite struct NoiseHandshakeFailureTests {
    typealias S = NoiseTestSupport

    /// Runs an initiator against a hand-built responder whose msg2 carries `payload(responderStaticPublic)`.
    static func initiatorError(expectedRemote: PeerID? = nil, responderStatic: [UInt8] = Sodium.randomBytes(32),
                               payload: ([UInt8]) throws -> [UInt8]) throws -> NoiseHandshake {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: expectedRemote)
        var responder = try ManualResponder(staticSecret: responderStatic)
        let msg2 = try responder.answer(initiator.pollTransmit()!, payload: try payload(responder.staticPublic))
        try initiator.receive(msg2[...])
        return initiator
    }

    @Test func signatureOverAnotherStaticKeyIsRejected() throws {
        let mallory = PrivateKey.generate()
        #expect(throws: NoiseError.badIdentitySignature(claimed: mallory.peerID)) {
            try Self.initiatorError { _ in try S.payload(identity: mallory, signing: Sodium.randomBytes(32)) }
        }
    }

    @Test func signatureByAnotherIdentityIsRejected() throws {
        let victim = PrivateKey.generate(), mallory = PrivateKey.generate()
        #expect(throws: NoiseError.badIdentitySignature(claimed: victim.peerID)) {
            try Self.initiatorError { rs in
                var payload = NoiseHandshakePayload()
                payload.identityKey = Data(victim.publicKey.protobuf)
                payload.identitySig = Data(mallory.sign(Array("noise-libp2p-static-key:".utf8) + rs))
                return try payload.serializedBytes()
            }
        }
    }

    @Test func honestHandBuiltResponderIsAccepted() throws {
        let bob = PrivateKey.generate()
        let initiator = try Self.initiatorError(expectedRemote: bob.peerID) { rs in try S.payload(identity: bob, signing: rs) }
        #expect(initiator.isComplete)
        #expect(initiator.finish().remotePeer == bob.peerID)
    }

    /// A responder with the spec's ECDSA (P-256) identity: its signature of the static key was made by OpenSSL
    /// (Python `cryptography`: the X25519 key of `responderStatic`, signed with the spec's private key), so the
    /// dialer verifies it and gets the `Qm…` PeerID it expected; a signature of another static key fails.
    @Test func anECDSAResponderIsAccepted() throws {
        let responderStatic = [UInt8](hex: "6c508e106175a53b3d67601714a064786864c9a89a4b83015f44370dabd51a37")!
        let signature = [UInt8](hex: "304502207d3cddcf8aeee86601583003e3321f53098f3e2a4aeca94929e8b937f549b709022100a728df0469e19abfd34469f84f59ff2f0062a1be65110c847caf6270a19bbe73")!
        let peer = try PeerID(ECDSAPublicKeyTests.peer)
        func payload(_ rs: [UInt8]) throws -> [UInt8] {
            #expect(rs == [UInt8](hex: "b8de77da542154e0b2fb801afcc2a31b296880306220cf3e5cc1eaab184f7605")!)
            var payload = NoiseHandshakePayload()
            payload.identityKey = Data(ECDSAPublicKeyTests.envelope)
            payload.identitySig = Data(signature)
            return try payload.serializedBytes()
        }
        let initiator = try Self.initiatorError(expectedRemote: peer, responderStatic: responderStatic, payload: payload)
        #expect(initiator.isComplete)
        let secured = initiator.finish()
        #expect(secured.remotePeer == peer)
        #expect(secured.remotePublicKey.algorithm == .ecdsa)
        #expect(throws: NoiseError.badIdentitySignature(claimed: peer)) {
            try Self.initiatorError { _ in
                var payload = NoiseHandshakePayload()
                payload.identityKey = Data(ECDSAPublicKeyTests.envelope)
                payload.identitySig = Data(signature)   // signs the other responder's static key
                return try payload.serializedBytes()
            }
        }
    }

    /// py-libp2p 0.8.1 adds `early_data = 3` in the extensions; unknown fields anywhere are skipped.
    @Test func unknownFieldsAreSkipped() throws {
        let bob = PrivateKey.generate()
        let initiator = try Self.initiatorError { rs in
            var bytes = try S.payload(identity: bob, signing: rs)
            let muxer = Array("/yamux/1.0.0".utf8)
            let extensions = [0x12, UInt8(muxer.count)] + muxer + [0x1a, 0x02, 0xaa, 0xbb]
            bytes += [0x22, UInt8(extensions.count)] + extensions
            bytes += [0x48, 0x01]                     // field 9, varint
            bytes += [0x55, 0x01, 0x02, 0x03, 0x04]   // field 10, fixed32
            return bytes
        }
        let secured = initiator.finish()
        #expect(secured.remotePeer == bob.peerID)
        #expect(secured.remoteMuxers == ["/yamux/1.0.0"])
    }

    @Test func payloadWithoutIdentityIsRejected() throws {
        #expect(throws: NoiseError.missingIdentity) { try Self.initiatorError { _ in [] } }
        let bob = PrivateKey.generate()
        #expect(throws: NoiseError.missingIdentity) {
            try Self.initiatorError { _ in [0x0a, 0x24] + bob.publicKey.protobuf }   // key, no signature
        }
    }

    @Test func garbagePayloadIsInvalid() throws {
        #expect(throws: NoiseError.self) { try Self.initiatorError { _ in [0x0a, 0x7f, 0x01] } }
        do {
            _ = try Self.initiatorError { _ in [0xff, 0xff, 0xff] }
            Issue.record("accepted a garbage payload")
        } catch let error as NoiseError {
            guard case .invalidPayload = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test(arguments: [([UInt8]([0x08, 0x00, 0x12, 0x04, 1, 2, 3, 4]), KeyError.malformedRSAKey),   // RSA, not DER
                      ([0x08, 0x02, 0x12, 0x04, 1, 2, 3, 4], KeyError.malformedSecp256k1Key),          // secp256k1, not a point
                      ([0x08, 0x03, 0x12, 0x04, 1, 2, 3, 4], KeyError.malformedECDSAKey),              // ECDSA, not DER
                      ([0x08, 0x04, 0x12, 0x04, 1, 2, 3, 4], KeyError.malformedRSAKey)])             // type 4 reads as RSA
    func unusableIdentityKeyIsRefused(_ envelope: [UInt8], _ expected: KeyError) throws {
        #expect(throws: NoiseError.unsupportedKey(expected)) {
            try Self.initiatorError { _ in
                var payload = NoiseHandshakePayload()
                payload.identityKey = Data(envelope)
                payload.identitySig = Data([UInt8](repeating: 1, count: 64))
                return try payload.serializedBytes()
            }
        }
    }

    @Test func tamperedMsg2FailsToDecrypt() throws {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        try responder.receive(initiator.pollTransmit()![...])
        var msg2 = responder.pollTransmit()!
        msg2[2 + 40] ^= 0x01   // inside enc(s)
        #expect(throws: NoiseError.decryptFailed) { try initiator.receive(msg2[...]) }
        #expect(throws: NoiseError.unexpectedMessage("input after the handshake failed")) { try initiator.receive([0]) }
    }

    @Test func msg1WithTrailingBytesIsRejected() throws {
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        let msg1 = S.framed(Sodium.randomBytes(33))
        #expect(throws: NoiseError.malformedFrame("msg1 has 1 trailing bytes after e")) { try responder.receive(msg1[...]) }
        #expect(responder.pollTransmit() == nil)
    }

    @Test func truncatedMessagesAreMalformed() throws {
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        #expect(throws: NoiseError.self) { try responder.receive(S.framed(Sodium.randomBytes(31))[...]) }

        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        _ = initiator.pollTransmit()
        do {
            try initiator.receive(S.framed(Sodium.randomBytes(70))[...])   // e + 38 bytes: enc(s) needs 48
            Issue.record("accepted a truncated msg2")
        } catch let error as NoiseError {
            guard case .malformedFrame = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test func oversizedFrameIsRefusedFromItsHeader() throws {
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        #expect(throws: NoiseError.handshakeMessageTooLarge(65535)) { try responder.receive([0xff, 0xff]) }
    }

    @Test func ourOwnOversizedPayloadIsRefused() throws {
        let muxers = (0..<400).map { "/muxer/with/a/very/long/name/\($0)" }
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil, muxers: muxers)
        do {
            try responder.receive(initiator.pollTransmit()![...])
            Issue.record("sent an oversized msg2")
        } catch let error as NoiseError {
            guard case .handshakeMessageTooLarge = error else { Issue.record("wrong error \(error)"); return }
        }
    }
}
