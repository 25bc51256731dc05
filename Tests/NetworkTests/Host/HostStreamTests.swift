import Testing
@testable import Network

extension HostTests {
    /// Streams opened by a raw peer on a live connection: each runs its own multistream-select, and a bad
    /// negotiation costs that stream (RST), never the connection.
    @Suite struct Streams {
        private static let syn = YamuxFrame(.windowUpdate, .syn, streamID: 1, length: 0).encoded

        /// Everything the host sent on stream `id`: its DATA payloads, and the union of its flags.
        private func stream(_ id: UInt32, of raw: RawPeer) throws -> (bytes: [UInt8], flags: YamuxFrame.Flags) {
            try raw.decryptAvailable()
            let frames = RawPeer.yamuxFrames(raw.plaintext).filter { $0.frame.streamID == id }
            return (frames.flatMap(\.payload), frames.reduce([]) { $0.union($1.frame.flags) })
        }

        private func waitForReset(_ id: UInt32, of raw: RawPeer, in h: HostHarness) throws {
            try h.run("RST on stream \(id)") { try stream(id, of: raw).flags.contains(.rst) }
        }

        /// `/nope/1.0.0` gets `na`, then `/ipfs/ping/1.0.0` is echoed on the same stream and pings come back.
        @Test func refusedProposalThenPing() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try raw.sendSealed(Self.syn + yamuxData(1, RawPeer.header + MultistreamMessage.encode("/nope/1.0.0")))
            try h.run("na") { try stream(1, of: raw).bytes.count >= 24 }
            #expect(try stream(1, of: raw).bytes == RawPeer.header + RawPeer.na)
            #expect(try stream(1, of: raw).flags.contains(.ack))

            let proposal = MultistreamMessage.encode(Ping.protocolID)
            let payload = Sodium.randomBytes(Ping.payloadLength)
            try raw.sendSealed(yamuxData(1, proposal + payload))   // lazy: the ping rides with the proposal
            let expected = RawPeer.header + RawPeer.na + proposal + payload
            try h.run("echo") { try stream(1, of: raw).bytes.count >= expected.count }
            #expect(try stream(1, of: raw).bytes == expected)
            #expect(b.disconnections.isEmpty)
        }

        @Test func garbageNegotiationResetsOnlyTheStream() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try raw.sendSealed(Self.syn + yamuxData(1, [UInt8](repeating: 0xff, count: 10)))
            try waitForReset(1, of: raw, in: h)
            try h.settle()
            #expect(b.disconnections.isEmpty && b.host.isConnected(raw.peerID))
            try h.expectServes(b)
        }

        /// FIN before a protocol was agreed: the host gives up on the stream (RST).
        @Test func finDuringNegotiation() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try raw.sendSealed(Self.syn + yamuxData(1, RawPeer.header, .fin))
            try waitForReset(1, of: raw, in: h)
            #expect(b.disconnections.isEmpty)
        }

        /// More than `maxRejectedProposals` refused proposals on one stream: reset.
        @Test func endlessProposals() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            var proposals = RawPeer.header
            for i in 0...MultistreamSelect.maxRejectedProposals { proposals += MultistreamMessage.encode("/nope/\(i)") }
            try raw.sendSealed(Self.syn + yamuxData(1, proposals))
            try waitForReset(1, of: raw, in: h)
            // The answers were queued in the same tick as the reset, which drops them; whatever got out is
            // a prefix of the header and the refusals.
            let answers = RawPeer.header + Array([[UInt8]](repeating: RawPeer.na, count: MultistreamSelect.maxRejectedProposals).joined())
            #expect(answers.starts(with: try stream(1, of: raw).bytes))
            #expect(b.disconnections.isEmpty)
        }

        /// The host's identify request (its stream 2) is reset by the peer: nothing is recorded, nothing breaks.
        @Test func peerResetsIdentify() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try h.run("identify SYN") { try stream(2, of: raw).flags.contains(.syn) }
            try raw.sendSealed(YamuxFrame(.windowUpdate, .rst, streamID: 2, length: 0).encoded)
            try h.settle()
            #expect(b.identified.isEmpty && b.disconnections.isEmpty)
            #expect(b.host.connections.values.first?.streams[2] == nil)
            try h.expectServes(b)
        }
    }
}
