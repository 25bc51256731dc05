import Testing
@testable import Network

/// The cacophony vector for Noise_XX_25519_ChaChaPoly_SHA256
/// (haskell-cryptography/cacophony `vectors/cacophony.txt` at 8ee9d41). Messages alternate between the
/// parties starting with the initiator, and keep alternating after the handshake: 3 and 5 are sent by the
/// responder with k2, 4 by the initiator with k1.
@Suite struct NoiseVectorTests {
    static let prologue = "4a6f686e2047616c74"   // "John Galt"
    static let initStatic = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1"
    static let initEphemeral = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"
    static let respStatic = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893"
    static let respEphemeral = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"
    static let handshakeHash = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e"
    static let messages: [(payload: String, ciphertext: String)] = [
        ("4c756477696720766f6e204d69736573",
         "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"),
        ("4d757272617920526f746862617264",
         "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68"
         + "aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f2"
         + "3dbd8d162c9326ad"),
        ("462e20412e20486179656b",
         "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0"
         + "d4ec82a286427402f113e4b6ae769a1d95941d49b25030"),
        ("4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"),
        ("4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"),
        ("457567656e2042f6686d20766f6e2042617765726b",
         "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"),
    ]

    static func bytes(_ hex: String) -> [UInt8] { [UInt8](hex: hex)! }

    @Test func handshakeAndTransportMessagesMatchByteForByte() throws {
        var initiator = try HandshakeState(initiator: true, prologue: Self.bytes(Self.prologue),
                                           staticSecret: Self.bytes(Self.initStatic),
                                           ephemeralSecret: Self.bytes(Self.initEphemeral))
        var responder = try HandshakeState(initiator: false, prologue: Self.bytes(Self.prologue),
                                           staticSecret: Self.bytes(Self.respStatic),
                                           ephemeralSecret: Self.bytes(Self.respEphemeral))
        for (index, message) in Self.messages.prefix(3).enumerated() {
            let initiatorSends = index % 2 == 0
            let payload = Self.bytes(message.payload)
            let sent = initiatorSends ? try initiator.writeMessage(payload: payload)
                                      : try responder.writeMessage(payload: payload)
            #expect(sent.hex == message.ciphertext, "handshake message \(index)")
            let received = initiatorSends ? try responder.readMessage(sent[...]) : try initiator.readMessage(sent[...])
            #expect(received == payload, "handshake payload \(index)")
        }
        #expect(initiator.isComplete && responder.isComplete)
        #expect(initiator.handshakeHash.hex == Self.handshakeHash)
        #expect(responder.handshakeHash.hex == Self.handshakeHash)
        #expect(initiator.remoteStatic == (try Sodium.x25519PublicKey(secret: Self.bytes(Self.respStatic))))
        #expect(responder.remoteStatic == (try Sodium.x25519PublicKey(secret: Self.bytes(Self.initStatic))))

        // Transport through the framed NoiseTransport: each frame is u16be(len) || the vector's ciphertext.
        let (iSend, iReceive) = initiator.split()
        let (rSend, rReceive) = responder.split()
        var initiatorTransport = NoiseTransport(send: iSend, receive: iReceive)
        var responderTransport = NoiseTransport(send: rSend, receive: rReceive)
        for (index, message) in Self.messages.enumerated().dropFirst(3) {
            let payload = Self.bytes(message.payload)
            let ciphertext = Self.bytes(message.ciphertext)
            var frame: [UInt8] = []
            var opened: [UInt8] = []
            if index % 2 == 0 {
                try initiatorTransport.seal(payload, appendingTo: &frame)
                try responderTransport.open(frame, appendingTo: &opened)
            } else {
                try responderTransport.seal(payload, appendingTo: &frame)
                try initiatorTransport.open(frame, appendingTo: &opened)
            }
            #expect(frame == [UInt8(ciphertext.count >> 8), UInt8(ciphertext.count & 0xff)] + ciphertext,
                    "transport message \(index)")
            #expect(opened == payload, "transport payload \(index)")
        }
    }

    /// The libp2p layer builds the same msg1 from the same prologue and ephemeral (its msg1 payload is empty).
    @Test func libp2pHandshakeFirstMessageUsesInjectedEphemeral() throws {
        let handshake = NoiseHandshake(role: .initiator, identity: PrivateKey.generate(), expectedRemote: nil,
                                       staticSecret: Self.bytes(Self.initStatic),
                                       ephemeralSecret: Self.bytes(Self.initEphemeral),
                                       prologue: Self.bytes(Self.prologue))
        let msg1 = try #require(handshake.pollTransmit())
        #expect(msg1 == [0x00, 0x20] + Self.bytes(Self.messages[0].ciphertext).prefix(32))
        #expect(handshake.pollTransmit() == nil)
    }

    @Test func messagesOutOfTurnAreRefused() throws {
        var initiator = try HandshakeState(initiator: true, prologue: [], staticSecret: Sodium.randomBytes(32))
        var responder = try HandshakeState(initiator: false, prologue: [], staticSecret: Sodium.randomBytes(32))
        #expect(throws: NoiseError.unexpectedMessage("not our turn to read message 1")) {
            _ = try initiator.readMessage([UInt8](repeating: 9, count: 32)[...])
        }
        #expect(throws: NoiseError.unexpectedMessage("not our turn to write message 1")) {
            _ = try responder.writeMessage(payload: [])
        }
        _ = try responder.readMessage(try initiator.writeMessage(payload: [])[...])
        #expect(throws: NoiseError.self) { _ = try initiator.writeMessage(payload: []) }
        _ = try initiator.readMessage(try responder.writeMessage(payload: [])[...])
        _ = try responder.readMessage(try initiator.writeMessage(payload: [])[...])
        #expect(initiator.isComplete && responder.isComplete)
        #expect(throws: NoiseError.self) { _ = try responder.readMessage([UInt8](repeating: 0, count: 64)[...]) }
        #expect(throws: NoiseError.self) { _ = try initiator.writeMessage(payload: []) }
    }

    @Test func protocolNameOfExactlyHashLengthIsUsedAsIs() {
        let state = SymmetricState(protocolName: "Noise_XX_25519_ChaChaPoly_SHA256")
        #expect(state.handshakeHash == Array("Noise_XX_25519_ChaChaPoly_SHA256".utf8))
        #expect(state.chainingKey == state.handshakeHash)
    }
}
