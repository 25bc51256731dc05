import Testing
@testable import Network

extension HostTests {
    /// yamux protocol violations from an authenticated, multiplexed peer: each closes the connection with
    /// `.disconnected(peer, .muxer(…))` naming the violation, and the host keeps serving.
    @Suite struct Muxer {
        /// Runs `attack` against a host from a raw peer that is already multiplexed with it, then returns the
        /// reason the host gave for dropping the connection.
        private func violation(_ attack: (RawPeer) throws -> Void) throws -> (HostHarness, TestHost, HostError?) {
            let h = HostHarness()
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try attack(raw)
            try h.run("disconnected") { !b.disconnections.isEmpty }
            #expect(b.disconnections.count == 1)
            #expect(b.disconnections.first?.peer == raw.peerID)
            try raw.waitUntilClosedByRemote()
            return (h, b, b.disconnections.first?.reason)
        }

        /// The default window is 256 KiB; one DATA frame of 256 KiB + 1 on a fresh stream overruns it.
        @Test func dataBeyondTheStreamWindow() throws {
            let window = YamuxConfig().initialWindow
            let (h, b, reason) = try violation { raw in
                var bytes = YamuxFrame(.windowUpdate, .syn, streamID: 1, length: 0).encoded
                bytes += yamuxData(1, [UInt8](repeating: 0x61, count: window + 1))
                try raw.sendSealed(bytes)
            }
            defer { h.shutdown() }
            #expect(reason?.yamux == .receiveWindowExceeded(streamID: 1, length: UInt32(window + 1), window: Int64(window)))
            try h.expectServes(b)
        }

        /// Exactly the window is fine: the stream is accepted and the connection stays up.
        @Test func dataFillingTheWindowIsAccepted() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            var bytes = YamuxFrame(.windowUpdate, .syn, streamID: 1, length: 0).encoded
            bytes += yamuxData(1, [UInt8](repeating: 0x61, count: YamuxConfig().initialWindow))
            try raw.sendSealed(bytes)
            // The host answers the stream (ACK, its mss header, then `na` or a reset for the garbage line).
            _ = try raw.receivePlaintext(YamuxFrame.headerLength)
            try h.settle()
            #expect(b.disconnections.isEmpty)
            #expect(b.host.isConnected(raw.peerID))
        }

        @Test func unknownFrameType() throws {
            let (h, b, reason) = try violation { raw in
                try raw.sendSealed([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])   // version 0, type 4
            }
            defer { h.shutdown() }
            #expect(reason?.yamux == .unknownFrameType(4))
            try h.expectServes(b)
        }

        @Test func unsupportedVersion() throws {
            let (h, b, reason) = try violation { raw in
                var frame = YamuxFrame(.ping, .syn, streamID: 0, length: 1).encoded
                frame[0] = 1
                try raw.sendSealed(frame)
            }
            defer { h.shutdown() }
            #expect(reason?.yamux == .unsupportedVersion(1))
            try h.expectServes(b)
        }

        /// We dialed, so we are the yamux client and must open odd stream IDs; stream 2 is the host's space.
        @Test func synWithWrongParity() throws {
            let (h, b, reason) = try violation { raw in
                try raw.sendSealed(YamuxFrame(.windowUpdate, .syn, streamID: 2, length: 0).encoded)
            }
            defer { h.shutdown() }
            #expect(reason?.yamux == .invalidStreamID(2))
            try h.expectServes(b)
        }

        @Test func dataOnSessionStream() throws {
            let (h, b, reason) = try violation { raw in try raw.sendSealed(yamuxData(0, [1, 2, 3])) }
            defer { h.shutdown() }
            #expect(reason?.yamux == .invalidStreamID(0))
            try h.expectServes(b)
        }

        @Test func duplicateSyn() throws {
            let (h, b, reason) = try violation { raw in
                let syn = YamuxFrame(.windowUpdate, .syn, streamID: 1, length: 0).encoded
                try raw.sendSealed(syn + syn)
            }
            defer { h.shutdown() }
            #expect(reason?.yamux == .duplicateStream(1))
            try h.expectServes(b)
        }

        /// A well-formed ping from the raw peer is answered (PING|ACK with the same value): the raw yamux
        /// path the violations above build on is sound.
        @Test func pingIsAnswered() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try raw.sendSealed(YamuxFrame(.ping, .syn, streamID: 0, length: 0xC0FFEE).encoded)
            try h.run("ping ack") {
                try raw.decryptAvailable()
                return RawPeer.yamuxFrames(raw.plaintext).contains {
                    $0.frame.type == .ping && $0.frame.flags == .ack && $0.frame.length == 0xC0FFEE
                }
            }
            #expect(b.disconnections.isEmpty)
        }
    }
}
