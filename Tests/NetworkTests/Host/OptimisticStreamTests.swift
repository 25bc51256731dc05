import Testing
@testable import Network

extension HostTests {
    /// Outbound streams to a protocol the peer's identify lists open at once: the first request travels with the
    /// proposal (one round trip instead of two). The echo is still checked, and a refusal ends only that stream.
    @Suite struct OptimisticStreams {
        /// Writes `request` as soon as it is opened, records the rest.
        final class Requester: StreamHandler {
            let request: [UInt8]
            var openedBeforeAnyReply = false
            let recorder = RecordingHandler()
            init(_ text: String) { request = Array(text.utf8) }
            func streamOpened(_ stream: HostStream) {
                openedBeforeAnyReply = recorder.received.isEmpty
                recorder.streamOpened(stream)
                stream.write(request)
            }
            func stream(_ stream: HostStream, received bytes: [UInt8]) { recorder.stream(stream, received: bytes) }
            func streamClosed(_ stream: HostStream, error: HostError?) { recorder.streamClosed(stream, error: error) }
        }

        /// Answers every chunk with the same bytes.
        final class Echo: StreamHandler {
            func stream(_ stream: HostStream, received bytes: [UInt8]) { stream.write(bytes) }
        }

        func identifiedPair(_ h: HostHarness) throws -> (TestHost, TestHost) {
            let a = try h.makeHost(), b = try h.makeHost()
            b.host.setStreamHandler("/echo/1.0.0") { _ in Echo() }
            try h.connect(a, b)
            try h.run("identified") { a.host.identified[b.peerID] != nil }
            return (a, b)
        }

        @Test func aProtocolTheIdentifyListsOpensAtOnceAndItsRequestRidesWithTheProposal() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let (a, b) = try identifiedPair(h)
            let requester = Requester("hello")
            let stream = try a.host.newStream(to: b.peerID, protocols: ["/echo/1.0.0"], handler: requester)
            #expect(requester.recorder.opened, "opened inside newStream, before any network round trip")
            #expect(stream.protocolID == "/echo/1.0.0")
            try h.run("echoed") { requester.recorder.received.count == 5 }
            #expect(requester.recorder.received == Array("hello".utf8), "the listener's echo never reaches the handler")
        }

        /// Of several proposals, the first the peer lists is the only one sent (what negotiation would agree on).
        @Test func ofSeveralProposalsTheFirstThePeerListsIsChosen() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let (a, b) = try identifiedPair(h)
            let requester = Requester("x")
            let stream = try a.host.newStream(to: b.peerID, protocols: ["/echo/2.0.0", "/echo/1.0.0", Ping.protocolID],
                                              handler: requester)
            #expect(stream.protocolID == "/echo/1.0.0")
            try h.run("echoed") { requester.recorder.received == Array("x".utf8) }
        }

        @Test func aProtocolTheIdentifyDoesNotListWaitsForTheEcho() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let (a, b) = try identifiedPair(h)
            b.host.setStreamHandler("/late/1.0.0") { _ in Echo() }   // registered after identify: not listed
            let requester = Requester("hi")
            _ = try a.host.newStream(to: b.peerID, protocols: ["/late/1.0.0"], handler: requester)
            #expect(!requester.recorder.opened, "negotiated first")
            try h.run("echoed") { requester.recorder.received == Array("hi".utf8) }
        }

        /// Identify claimed a protocol the listener then refuses: the stream closes with the negotiation error, the
        /// early request is never handed to anyone, and the connection keeps working.
        @Test func aRefusedOptimisticProposalClosesOnlyThatStream() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let (a, b) = try identifiedPair(h)
            a.host.identified[b.peerID]?.protocols.append("/gone/1.0.0")
            let requester = Requester("lost")
            _ = try a.host.newStream(to: b.peerID, protocols: ["/gone/1.0.0"], handler: requester)
            #expect(requester.recorder.opened)
            try h.run("closed") { requester.recorder.closed }
            #expect(requester.recorder.closeError?.protocolNegotiation != nil, "\(String(describing: requester.recorder.closeError))")
            #expect(requester.recorder.received.isEmpty)
            #expect(a.isConnected(to: b))
            let again = Requester("still here")
            _ = try a.host.newStream(to: b.peerID, protocols: ["/echo/1.0.0"], handler: again)
            try h.run("echoed") { again.recorder.received == Array("still here".utf8) }
        }
    }
}
