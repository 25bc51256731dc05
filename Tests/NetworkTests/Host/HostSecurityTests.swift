import Testing
@testable import Network

extension HostTests {
    /// Noise-level attacks on a live host: tampered transport frames, a forged identity proof, and
    /// dialing an address whose `/p2p/` id belongs to someone else.
    @Suite struct Security {
        /// One flipped ciphertext byte after the handshake: AEAD authentication fails and the host drops the
        /// (already reported) connection with `.security(.decryptFailed)`.
        @Test func tamperedTransportFrame() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            var frame = try raw.seal(YamuxFrame(.ping, .syn, streamID: 0, length: 42).encoded)
            frame[2 + 5] ^= 0x01   // inside the ciphertext, past the u16be length
            raw.send(frame)
            try h.run("disconnected") { !b.disconnections.isEmpty }
            #expect(b.disconnections.count == 1)
            #expect(b.disconnections.first?.peer == raw.peerID)
            #expect(b.disconnections.first?.reason?.noise == .decryptFailed)
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }

        /// Tampering before the muxer is up (inside the encrypted mss) fails the inbound upgrade instead.
        @Test func tamperedFrameDuringMuxerNegotiation() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            try raw.secure(muxers: [])
            var frame = try raw.seal(RawPeer.header)
            frame[frame.count - 1] ^= 0x80   // the last tag byte
            raw.send(frame)
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.noise == .decryptFailed)
            #expect(b.connected.isEmpty && b.disconnections.isEmpty)
            try h.expectServes(b)
        }

        /// msg3 carries our real identity key, but the signature covers another X25519 key than the static
        /// key of this handshake: the host refuses with `.badIdentitySignature(claimed:)`.
        @Test func identitySignatureOverWrongStaticKey() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            try raw.secure { _ in
                try NoiseTestSupport.payload(identity: raw.identity, signing: Sodium.randomBytes(32))
            }
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.noise == .badIdentitySignature(claimed: raw.peerID))
            #expect(!b.host.isConnected(raw.peerID) && b.connected.isEmpty)
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }

        /// Someone else's key signing our static key: the claimed identity is the victim's, and it fails.
        @Test func identityKeyOfAnotherPeer() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let victim = PrivateKey.generate()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            try raw.secure { staticPublic in
                var payload = NoiseHandshakePayload()
                payload.identityKey = .init(victim.publicKey.protobuf)
                payload.identitySig = .init(raw.identity.sign(NoiseHandshake.signaturePrefix + staticPublic))
                return try payload.serializedBytes()
            }
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.noise == .badIdentitySignature(claimed: victim.peerID))
            try h.expectServes(b)
        }

        @Test func garbageInsteadOfHandshake() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            raw.send([0x00, 0x05, 1, 2, 3, 4, 5])   // msg1 must be exactly a 32-byte ephemeral key
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            guard case .malformedFrame? = b.inboundFailures.first?.noise else {
                Issue.record("expected a malformed-frame Noise error, got \(b.inboundFailures)")
                return
            }
            try h.expectServes(b)
        }

        /// We dial B's address under C's PeerID: the Noise handshake proves it is B, so the dial fails with
        /// `.peerIDMismatch(expected: C, got: B)` and no connection is reported on our side.
        @Test func dialingWrongPeerID() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost(), b = try h.makeHost()
            let impostor = PrivateKey.generate().peerID
            let address = b.address.removingPeerID().appending(.p2p(impostor))
            a.host.dial(address)
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            #expect(a.dialFailures.count == 1)
            #expect(a.dialFailures.first?.address == address)
            let mismatch = a.dialFailures.first?.error.peerIDMismatch
            #expect(mismatch?.expected == impostor)
            #expect(mismatch?.got == b.peerID)
            #expect(a.connected.isEmpty && a.connectionCount == 0)
            // B never got msg3: its side of the upgrade just ends.
            try h.run("B notices") { !b.inboundFailures.isEmpty }
            #expect(b.connected.isEmpty)
            try h.expectServes(b)
            try h.connect(a, b)   // the right id works
        }
    }
}
