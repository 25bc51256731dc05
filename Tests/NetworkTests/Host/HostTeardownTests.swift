import Testing
@testable import Network

extension HostTests {
    /// How a multiplexed connection ends when the peer leaves: GO_AWAY(normal) makes the end orderly
    /// (`reason: nil`), whether FIN or RST follows; without it the end is a failure with its cause.
    @Suite struct Teardown {
        private static let goAway = YamuxFrame(.goAway, streamID: 0, length: YamuxGoAwayCode.normal).encoded

        private func disconnection(_ leave: (RawPeer) throws -> Void) throws -> (HostHarness, TestHost, HostError?) {
            let h = HostHarness()
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try leave(raw)
            try h.run("disconnected") { !b.disconnections.isEmpty }
            #expect(b.disconnections.count == 1)
            #expect(b.disconnections.first?.peer == raw.peerID)
            #expect(b.connectionCount == 0)
            return (h, b, b.disconnections.first?.reason)
        }

        @Test func goAwayThenFIN() throws {
            let (h, b, reason) = try disconnection { raw in
                try raw.sendSealed(Self.goAway)
                try raw.closeWrite()
            }
            defer { h.shutdown() }
            #expect(reason == nil)
            try h.expectServes(b)
        }

        /// go-yamux closes the socket right after GO_AWAY; with our bytes unread, the kernel sends RST.
        @Test func goAwayThenReset() throws {
            let (h, b, reason) = try disconnection { raw in
                try raw.sendSealed(Self.goAway)
                try raw.drain()
                raw.abort()
            }
            defer { h.shutdown() }
            #expect(reason == nil)
            try h.expectServes(b)
        }

        @Test func resetWithoutGoAway() throws {
            let (h, b, reason) = try disconnection { raw in raw.abort() }
            defer { h.shutdown() }
            guard case .socket(let errno)? = reason else {
                Issue.record("expected a socket error, got \(String(describing: reason))")
                return
            }
            #expect(errno == .connectionReset)
            try h.expectServes(b)
        }

        @Test func finWithoutGoAway() throws {
            let (h, b, reason) = try disconnection { raw in try raw.closeWrite() }
            defer { h.shutdown() }
            #expect(reason?.closedReason == "remote closed the TCP connection")
            try h.expectServes(b)
        }

        /// GO_AWAY alone does not end the connection: the peer may finish its streams first.
        @Test func goAwayAloneKeepsTheConnection() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let b = try h.makeHost()
            let raw = try RawPeer.muxed(to: b, in: h)
            try raw.sendSealed(Self.goAway)
            try h.settle()
            #expect(b.disconnections.isEmpty && b.host.isConnected(raw.peerID))
        }
    }
}
