import Testing
@testable import Network

extension HostTests {
    /// The host as dialer against a hand-driven listener: each misbehaviour ends in `.dialFailed(address,
    /// reason)` naming the stage, and the host dials (and serves) honest peers afterwards.
    @Suite struct Dialer {
        /// A raw listener that `a` has dialed, plus the address it dialed (with a made-up `/p2p/` id unless
        /// `expecting` is given).
        private func dialRaw(_ h: HostHarness, from a: TestHost, expecting peer: PeerID? = nil)
            throws -> (RawPeer, Multiaddr, TCPListener) {
            let listener = try TCPListener.bind(.loopbackIPv4(port: 0))
            let identity = PrivateKey.generate()
            let address = Multiaddr(tcp: listener.localAddress).appending(.p2p(peer ?? identity.peerID))
            a.host.dial(address)
            return (try RawPeer(acceptingFrom: listener, in: h, identity: identity), address, listener)
        }

        /// The dialer pipelines its header and first proposal (go and py listeners accept that).
        private func expectProposal(_ raw: RawPeer) throws {
            #expect(try raw.receive(28) == RawPeer.header + MultistreamMessage.encode(NoiseHandshake.protocolID))
        }

        private func expectOnlyFailure(_ a: TestHost, at address: Multiaddr) -> HostError? {
            #expect(a.dialFailures.count == 1)
            #expect(a.dialFailures.first?.address == address)
            #expect(a.connected.isEmpty && a.connectionCount == 0)
            return a.dialFailures.first?.error
        }

        @Test func listenerRefusesNoise() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let (raw, address, listener) = try dialRaw(h, from: a)
            defer { listener.close() }
            try expectProposal(raw)
            raw.send(RawPeer.header + RawPeer.na)
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            let error = expectOnlyFailure(a, at: address)
            #expect(error?.securityNegotiation == .noProtocolInCommon([NoiseHandshake.protocolID]))
            try raw.waitUntilClosedByRemote()
            try h.expectServes(a)
        }

        @Test func listenerAnswersWithSomethingElse() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let (raw, address, listener) = try dialRaw(h, from: a)
            defer { listener.close() }
            try expectProposal(raw)
            raw.send(RawPeer.header + MultistreamMessage.encode("/tls/1.0.0"))
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            #expect(expectOnlyFailure(a, at: address)?.securityNegotiation == .unexpectedResponse("/tls/1.0.0"))
            try h.expectServes(a)
        }

        @Test func listenerSpeaksAnotherProtocol() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let (raw, address, listener) = try dialRaw(h, from: a)
            defer { listener.close() }
            // 'H' = 72 reads as a length prefix; byte 72 is not the newline that must end the message.
            raw.send(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nServer: test\r\n\r\n".utf8))
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            #expect(expectOnlyFailure(a, at: address)?.securityNegotiation == .missingNewline)
            try h.expectServes(a)
        }

        /// The listener's msg2 proves a static key with a signature over another one.
        @Test func listenerWithForgedIdentity() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let (raw, address, listener) = try dialRaw(h, from: a)
            defer { listener.close() }
            try expectProposal(raw)
            raw.send(RawPeer.header + MultistreamMessage.encode(NoiseHandshake.protocolID))
            let msg1 = try raw.receive(2 + 32)
            var responder = try ManualResponder()
            let forged = try NoiseTestSupport.payload(identity: raw.identity, signing: Sodium.randomBytes(32))
            raw.send(try responder.answer(msg1, payload: forged))
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            #expect(expectOnlyFailure(a, at: address)?.noise == .badIdentitySignature(claimed: raw.peerID))
            try h.expectServes(a)
        }

        /// An honest msg2 from a peer other than the one dialed: `.peerIDMismatch`, checked before msg3 is sent.
        @Test func listenerIsSomeoneElse() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let expected = PrivateKey.generate().peerID
            let (raw, address, listener) = try dialRaw(h, from: a, expecting: expected)
            defer { listener.close() }
            try expectProposal(raw)
            raw.send(RawPeer.header + MultistreamMessage.encode(NoiseHandshake.protocolID))
            let msg1 = try raw.receive(2 + 32)
            var responder = try ManualResponder()
            let honest = try NoiseTestSupport.payload(identity: raw.identity, signing: responder.staticPublic)
            raw.send(try responder.answer(msg1, payload: honest))
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            let mismatch = expectOnlyFailure(a, at: address)?.peerIDMismatch
            #expect(mismatch?.expected == expected && mismatch?.got == raw.peerID)
            try raw.waitUntilClosedByRemote()
            #expect(raw.received.isEmpty)   // no msg3: we never authenticated ourselves to the wrong peer
            try h.expectServes(a)
        }

        /// A listener that accepts and hangs up at once.
        @Test func listenerHangsUp() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let (raw, address, listener) = try dialRaw(h, from: a)
            defer { listener.close() }
            raw.close()
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            let error = expectOnlyFailure(a, at: address)
            let closed = error?.closedReason != nil
            let reset: Bool = { if case .socket? = error { return true }; return false }()
            #expect(closed || reset, "expected EOF or reset, got \(String(describing: error))")
            try h.expectServes(a)
        }

        @Test func nothingListening() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost()
            let port: UInt16
            do {
                let probe = try TCPListener.bind(.loopbackIPv4(port: 0))
                port = probe.localAddress.port
                probe.close()
            }
            let address = Multiaddr(tcp: .loopbackIPv4(port: port)).appending(.p2p(PrivateKey.generate().peerID))
            a.host.dial(address)
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            guard case .connectFailed(let failed, let errno)? = a.dialFailures.first?.error else {
                Issue.record("expected connectFailed, got \(a.dialFailures)")
                return
            }
            #expect(failed == address && errno == .connectionRefused)
        }
    }
}
