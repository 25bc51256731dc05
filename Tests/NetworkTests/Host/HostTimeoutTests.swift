import Testing
@testable import Network

extension HostTests {
    /// The handshake deadline (`HostConfig.handshakeTimeout`): from accept/connect to a multiplexed,
    /// authenticated connection. Peers that stall anywhere before that are dropped with `.handshakeTimeout`.
    @Suite struct Timeouts {
        static let short: Duration = .milliseconds(200)

        /// A peer that connects and sends nothing, on the real clock.
        @Test func silentPeer() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost { $0.handshakeTimeout = Self.short }
            let raw = try RawPeer(connectingTo: b.address, in: h)
            let start = h.clock.now
            try h.run("timeout") { !b.inboundFailures.isEmpty }
            #expect(h.clock.now - start >= .milliseconds(150))
            #expect(b.inboundFailures.count == 1)
            #expect(b.inboundFailures.first?.isHandshakeTimeout == true)
            try raw.waitUntilClosedByRemote()
            #expect(b.connectionCount == 0)
            try h.expectServes(b)
        }

        /// A peer that agrees on `/noise` and then never sends msg1.
        @Test func peerStallingAfterSecurityNegotiation() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost { $0.handshakeTimeout = Self.short }
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            try h.run("timeout") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.isHandshakeTimeout == true)
            try h.expectServes(b)
        }

        /// A peer that finishes Noise but never negotiates a muxer.
        @Test func peerStallingBeforeMuxer() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost { $0.handshakeTimeout = Self.short }
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            try raw.secure(muxers: [])
            try h.run("timeout") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.isHandshakeTimeout == true)
            #expect(b.connected.isEmpty)
            try h.expectServes(b)
        }

        /// The deadline does not outlive the handshake: a connection that got multiplexed stays up long after.
        @Test func establishedConnectionOutlivesTheDeadline() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost { $0.handshakeTimeout = Self.short }
            let b = try h.makeHost { $0.handshakeTimeout = Self.short }
            try h.connect(a, b)
            let start = h.clock.now
            try h.run("well past the deadline") { h.clock.now - start > Self.short * 3 }
            #expect(a.disconnections.isEmpty && b.disconnections.isEmpty)
            #expect(a.isConnected(to: b))
        }

        /// Outbound: a listener whose kernel accepts the TCP connection but that never answers our mss header.
        @Test func dialToMutePeer() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost(listening: false) { $0.handshakeTimeout = Self.short }
            let mute = try TCPListener.bind(.loopbackIPv4(port: 0))
            defer { mute.close() }
            let address = Multiaddr(tcp: mute.localAddress).appending(.p2p(PrivateKey.generate().peerID))
            a.host.dial(address)
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            #expect(a.dialFailures.first?.address == address)
            #expect(a.dialFailures.first?.error.isHandshakeTimeout == true)
            #expect(a.connectionCount == 0)
        }

        /// The default 10 s deadline on a `ManualClock`: nothing at 9.9 s, the failure right after 10 s.
        @Test func defaultDeadlineOnManualClock() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let b = try h.makeHost()
            #expect(b.host.config.handshakeTimeout == .seconds(10))
            let raw = try RawPeer(connectingTo: b.address, in: h)
            try h.run("accepted") { b.connectionCount == 1 }
            clock.advance(by: .milliseconds(9_900))
            try h.settle(ticks: 3)
            #expect(b.inboundFailures.isEmpty)
            clock.advance(by: .milliseconds(200))
            try h.run("timeout") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.isHandshakeTimeout == true)
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }
    }
}
