import Testing
@testable import Network

extension HostTests {
    /// Bad multistream-select input on the raw connection (security) and inside Noise (muxer). Each test
    /// checks the typed reason the host reports and that it keeps serving honest peers afterwards.
    @Suite struct Negotiation {
        /// The host writes its header as soon as it accepts (py waits for it before proposing).
        @Test func listenerSendsItsHeaderAtOnce() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            #expect(try raw.receive(20) == RawPeer.header)
            #expect(RawPeer.header == [0x13] + Array("/multistream/1.0.0\n".utf8))
        }

        @Test func truncatedVarintThenEOF() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            raw.send(RawPeer.header + [0x80])   // a length prefix that promises more bytes
            try raw.closeWrite()
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.count == 1)
            #expect(b.inboundFailures.first?.closedReason == "remote closed the TCP connection")
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }

        @Test func overlongVarint() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            raw.send([UInt8](repeating: 0xff, count: 10))
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.securityNegotiation == .varint(.overlong))
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }

        /// go-multistream's limit: a message (text + newline) of at most 1024 bytes.
        @Test func lineOverTheLimit() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            let line = "/" + String(repeating: "a", count: 1023)   // 1024 characters + '\n' = 1025
            raw.send(RawPeer.header + MultistreamMessage.encode(line))
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.securityNegotiation == .messageTooLong(1025))
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }

        @Test func lineAtTheLimitIsOnlyRefused() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            raw.send(RawPeer.header + MultistreamMessage.encode("/" + String(repeating: "a", count: 1022)))
            #expect(try raw.receive(24) == RawPeer.header + RawPeer.na)
            #expect(b.inboundFailures.isEmpty)
        }

        @Test func wrongHeader() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            raw.send(MultistreamMessage.encode("/multistream/2.0.0"))
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.securityNegotiation == .unexpectedHeader("/multistream/2.0.0"))
            try h.expectServes(b)
        }

        /// `/tls/1.0.0` is refused with the exact bytes `03 6e 61 0a`; `/noise` then works on the same
        /// connection, all the way to a multiplexed connection the host reports and opens identify on.
        @Test func unsupportedSecurityGetsNaThenNoiseWorks() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            raw.send(RawPeer.header + MultistreamMessage.encode("/tls/1.0.0"))
            #expect(try raw.receive(20) == RawPeer.header)
            #expect(try raw.receive(4) == [0x03, 0x6e, 0x61, 0x0a])

            raw.send(MultistreamMessage.encode("/noise"))
            #expect(try raw.receive(8) == MultistreamMessage.encode("/noise"))
            try raw.secure(muxers: [YamuxFrame.protocolID])
            try h.run("connected") { b.host.isConnected(raw.peerID) }
            #expect(b.connected.map(\.peer) == [raw.peerID])
            #expect(b.inboundFailures.isEmpty)

            // The host (yamux server) opens identify on stream 2 at once (after its start PING).
            try h.run("identify SYN") {
                try raw.decryptAvailable()
                return RawPeer.yamuxFrames(raw.plaintext).contains { $0.frame.streamID == 2 && $0.frame.flags.contains(.syn) }
            }
            try h.expectServes(b)
        }

        /// Inside Noise (no muxer listed in the extensions, so mss runs encrypted): `/mplex/6.7.0` gets
        /// `na`, `/yamux/1.0.0` is echoed, and the connection comes up.
        @Test func unsupportedMuxerGetsNa() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            #expect(try raw.negotiate([NoiseHandshake.protocolID]) == NoiseHandshake.protocolID)
            try raw.secure(muxers: [])
            try raw.sendSealed(RawPeer.header + MultistreamMessage.encode("/mplex/6.7.0"))
            #expect(try raw.receivePlaintext(24) == RawPeer.header + RawPeer.na)
            #expect(!b.host.isConnected(raw.peerID))

            try raw.sendSealed(MultistreamMessage.encode(YamuxFrame.protocolID))
            #expect(try raw.receivePlaintext(14) == MultistreamMessage.encode(YamuxFrame.protocolID))
            try h.run("connected") { b.host.isConnected(raw.peerID) }
            #expect(b.inboundFailures.isEmpty)
            try h.expectServes(b)
        }

        /// A bad mss message inside Noise is a muxer-negotiation failure, not a security one.
        @Test func garbageInsideNoiseIsMuxerNegotiationFailure() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer(connectingTo: b.address, in: h)
            _ = try raw.negotiate([NoiseHandshake.protocolID])
            try raw.secure(muxers: [])
            try raw.sendSealed([UInt8](repeating: 0xff, count: 10))
            try h.run("inbound failure") { !b.inboundFailures.isEmpty }
            #expect(b.inboundFailures.first?.muxerNegotiation == .varint(.overlong))
            try raw.waitUntilClosedByRemote()
            try h.expectServes(b)
        }
    }
}
