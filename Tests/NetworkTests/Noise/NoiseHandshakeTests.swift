import Testing
@testable import Network

@Suite struct NoiseHandshakeTests {
    typealias S = NoiseTestSupport
    static let yamux = "/yamux/1.0.0"
    static let mplex = "/mplex/6.7.0"

    @Test(arguments: NoiseTestSupport.chunkings)
    func handshakeCompletesInEveryChunking(chunk: Int) throws {
        let alice = PrivateKey.generate(), bob = PrivateKey.generate()
        let initiator = NoiseHandshake(role: .initiator, identity: alice, expectedRemote: bob.peerID)
        let responder = NoiseHandshake(role: .responder, identity: bob, expectedRemote: nil)
        #expect(!initiator.isComplete && !responder.isComplete)
        let flights = try S.pump(initiator, responder, chunk: chunk)
        #expect(flights.map(\.fromInitiator) == [true, false, true])
        #expect(initiator.isComplete && responder.isComplete)

        var i = initiator.finish(), r = responder.finish()
        #expect(i.remotePeer == bob.peerID && i.remotePublicKey == bob.publicKey)
        #expect(r.remotePeer == alice.peerID && r.remotePublicKey == alice.publicKey)
        #expect(i.remoteMuxers.isEmpty && r.remoteMuxers.isEmpty)
        #expect(i.negotiatedMuxer == nil && r.negotiatedMuxer == nil)
        #expect(i.remainder.isEmpty && r.remainder.isEmpty)
        #expect(i.handshakeHash == r.handshakeHash)

        // The keys agree both ways.
        var wire: [UInt8] = [], plain: [UInt8] = []
        try i.transport.seal(Array("ping".utf8), appendingTo: &wire)
        for piece in S.chunks(wire, chunk) { try r.transport.open(piece, appendingTo: &plain) }
        #expect(plain == Array("ping".utf8))
        wire = []; plain = []
        try r.transport.seal(Array("pong".utf8), appendingTo: &wire)
        for piece in S.chunks(wire, chunk) { try i.transport.open(piece, appendingTo: &plain) }
        #expect(plain == Array("pong".utf8))
    }

    /// Sizes OBSERVED against py-libp2p: msg1 32, msg2 200 (104-byte payload), msg3 168 — plus the 2-byte length.
    @Test func messageSizesWithoutExtensions() throws {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        let flights = try S.pump(initiator, responder)
        #expect(flights.map(\.bytes.count) == [2 + 32, 2 + 200, 2 + 168])
        #expect(flights.map { S.frames($0.bytes).map(\.count) } == [[32], [200], [168]])
        #expect(try S.payload(identity: .generate(), signing: [UInt8](repeating: 7, count: 32)).count == 104)
    }

    @Test func muxerExtensionsAreExchangedAndNegotiated() throws {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil,
                                       muxers: [Self.yamux, Self.mplex])
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil,
                                       muxers: [Self.mplex, Self.yamux])
        let flights = try S.pump(initiator, responder)
        // The extension travels in msg2 and msg3 only: msg1 stays 32 bytes.
        #expect(flights[0].bytes.count == 34)
        #expect(flights[1].bytes.count > 202 && flights[2].bytes.count > 170)
        let i = initiator.finish(), r = responder.finish()
        #expect(i.remoteMuxers == [Self.mplex, Self.yamux])
        #expect(r.remoteMuxers == [Self.yamux, Self.mplex])
        // The initiator's preference wins on both sides.
        #expect(i.negotiatedMuxer == Self.yamux && r.negotiatedMuxer == Self.yamux)
    }

    /// py-libp2p sends no extensions: we fall back to multistream-select (negotiatedMuxer == nil).
    @Test func peerWithoutExtensionsLeavesMuxerUnnegotiated() throws {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil, muxers: [Self.yamux])
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        try S.pump(initiator, responder)
        let i = initiator.finish(), r = responder.finish()
        #expect(i.remoteMuxers.isEmpty && i.negotiatedMuxer == nil)
        #expect(r.remoteMuxers == [Self.yamux] && r.negotiatedMuxer == nil)
    }

    /// Transport bytes sent in the same segment as msg3 come back as `remainder`, in every chunking.
    @Test(arguments: NoiseTestSupport.chunkings)
    func bytesAfterTheLastMessageAreTheTransportsRemainder(chunk: Int) throws {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        try responder.receive(initiator.pollTransmit()![...])
        try initiator.receive(responder.pollTransmit()![...])
        #expect(initiator.isComplete && !responder.isComplete)
        var i = initiator.finish()
        var segment = initiator.pollTransmit()!
        try i.transport.seal(Array("early".utf8), appendingTo: &segment)
        try i.transport.seal(Array("data".utf8), appendingTo: &segment)
        for piece in S.chunks(segment, chunk) { try responder.receive(piece) }
        #expect(responder.isComplete)
        var r = responder.finish()
        var plain: [UInt8] = []
        try r.transport.open(r.remainder, appendingTo: &plain)
        #expect(plain == Array("earlydata".utf8))
        #expect(throws: NoiseError.unexpectedMessage("input after finish(); give it to the transport")) {
            try responder.receive([1, 2, 3])
        }
    }

    @Test func dialingTheWrongPeerFailsWithPeerIDMismatch() throws {
        let bob = PrivateKey.generate(), carol = PrivateKey.generate()
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: carol.peerID)
        let responder = NoiseHandshake(role: .responder, identity: bob, expectedRemote: nil)
        #expect(throws: NoiseError.peerIDMismatch(expected: carol.peerID, got: bob.peerID)) {
            try S.pump(initiator, responder)
        }
        #expect(!initiator.isComplete)
        #expect(initiator.pollTransmit() == nil)   // msg3 never leaves
        #expect(throws: NoiseError.self) { try initiator.receive([0]) }
    }

    @Test func responderCanPinTheInitiatorToo() throws {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        let other = PrivateKey.generate().peerID
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: other)
        #expect(throws: NoiseError.self) { try S.pump(initiator, responder) }
        #expect(!responder.isComplete)
    }

    /// A freshly generated static key per handshake: two handshakes by one identity differ in msg1 and h.
    @Test func staticAndEphemeralKeysAreFreshPerHandshake() throws {
        let alice = PrivateKey.generate()
        let a = NoiseHandshake(role: .initiator, identity: alice, expectedRemote: nil)
        let b = NoiseHandshake(role: .initiator, identity: alice, expectedRemote: nil)
        #expect(a.pollTransmit() != b.pollTransmit())
    }
}
