import Testing
@testable import Network

extension HostTests {
    /// Two peers that dial each other at once keep one connection; the other is retired, not closed under
    /// whatever it carries: its streams finish, nobody sees a disconnect, and pubsub moves to the kept one.
    @Suite struct DuplicateConnections {
        /// Answers every chunk with the same bytes.
        final class Echo: StreamHandler {
            func stream(_ stream: HostStream, received bytes: [UInt8]) { stream.write(bytes) }
        }

        /// `large` dialed `small` first (C1); then `small` dials too (C2, dialed by the smaller id: kept).
        func replacedPair(_ h: HostHarness, configure: (TestHost, TestHost) -> Void = { _, _ in })
            throws -> (small: TestHost, large: TestHost) {
            let x = try h.makeHost(), y = try h.makeHost()
            let (small, large) = x.peerID < y.peerID ? (x, y) : (y, x)
            configure(small, large)
            try h.connect(large, small)
            try h.run("identified") { large.host.identified[small.peerID] != nil && small.host.identified[large.peerID] != nil }
            return (small, large)
        }

        @Test func aStreamOnTheRetiredConnectionFinishesAndNobodySeesADisconnect() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let (small, large) = try replacedPair(h) { small, _ in small.host.setStreamHandler("/echo/1.0.0") { _ in Echo() } }
            let handler = RecordingHandler()
            let onFirst = try large.host.newStream(to: small.peerID, protocols: ["/echo/1.0.0"], handler: handler)
            let first = try #require(onFirst.connection)
            small.host.connect(to: try TCPTransport.dialAddress(large.address), dialing: large.address)
            try h.run("the first connection retired on both sides") { small.retiredCount == 1 && large.retiredCount == 1 }
            #expect(first.isRetired)

            onFirst.write(Array("still served".utf8))
            try h.run("echo on the retired connection") { handler.received == Array("still served".utf8) }
            let fresh = RecordingHandler()
            let onKept = try large.host.newStream(to: small.peerID, protocols: ["/echo/1.0.0"], handler: fresh)
            #expect(onKept.connection !== first, "new streams go to the kept connection")

            clock.advance(by: HostConfig(agentVersion: "").duplicateGrace)
            try h.run("retired connection closed") { small.connectionCount == 1 && large.connectionCount == 1 }
            #expect(handler.closed, "its stream ended with it")
            #expect(small.isConnected(to: large) && large.isConnected(to: small))
            #expect(small.disconnections.isEmpty && large.disconnections.isEmpty)
            #expect(small.connected.count == 1 && large.connected.count == 1)
            onKept.write(Array("kept".utf8))
            try h.run("echo on the kept connection") { fresh.received == Array("kept".utf8) }
        }

        /// A peer that keeps opening duplicates holds at most one retired connection: the older is closed at once.
        @Test func atMostOneRetiredConnectionPerPeer() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let (small, large) = try replacedPair(h)
            let target = try TCPTransport.dialAddress(large.address)
            small.host.connect(to: target, dialing: large.address)
            try h.run("first duplicate retired") { large.retiredCount == 1 && large.connectionCount == 2 }
            func retiredID() -> Int? { large.host.connections.values.first(where: \.isRetired)?.id }
            for _ in 0..<3 {
                let before = retiredID()
                small.host.connect(to: target, dialing: large.address)
                try h.run("the newest duplicate retired, the older closed") {
                    retiredID() != before && large.retiredCount == 1 && large.connectionCount == 2
                }
            }
            #expect(large.isConnected(to: small) && large.disconnections.isEmpty)
            large.host.disconnect(small.peerID)   // a disconnect ends the retired connection too, not 3 s later
            try h.run("all gone") { large.connectionCount == 0 }
            #expect(large.disconnections.count == 1)
        }

        /// Pubsub's stream moves to the kept connection without the engine forgetting the peer (no mesh churn),
        /// and messages flow both ways after the retired connection is gone.
        @Test func pubsubMovesToTheKeptConnectionWithoutForgettingThePeer() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            var services: [PubSubService] = []
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let (small, large) = try replacedPair(h) { small, large in
                for node in [small, large] {
                    let service = PubSubService(host: node.host, engine: PubSub(identity: node.host.identity, seqnoStart: 1,
                                                                                 now: h.reactor.now))
                    service.subscribe("room")
                    services.append(service)
                }
            }
            let (onSmall, onLarge) = (services[0], services[1])
            try h.run("in each other's mesh") {
                clock.advance(by: .milliseconds(100))
                return onSmall.engine.mesh("room") == [large.peerID] && onLarge.engine.mesh("room") == [small.peerID]
            }
            small.host.connect(to: try TCPTransport.dialAddress(large.address), dialing: large.address)
            try h.run("retired on both sides") { small.retiredCount == 1 && large.retiredCount == 1 }
            try h.run("streams moved") {
                [onSmall.outbound[large.peerID], onLarge.outbound[small.peerID]].allSatisfy { $0?.connection?.isRetired == false }
            }
            clock.advance(by: HostConfig(agentVersion: "").duplicateGrace)
            try h.run("retired connection closed") { small.connectionCount == 1 && large.connectionCount == 1 }
            #expect(onSmall.engine.mesh("room") == [large.peerID] && onLarge.engine.mesh("room") == [small.peerID],
                    "the peer was never forgotten")

            var got: [[UInt8]] = [], gotBack: [[UInt8]] = []
            onLarge.onMessage = { got.append($0.data) }
            onSmall.onMessage = { gotBack.append($0.data) }
            _ = try onSmall.publish(topic: "room", data: Array("after the swap".utf8))
            _ = try onLarge.publish(topic: "room", data: Array("and back".utf8))
            try h.run("delivered both ways") { got.contains(Array("after the swap".utf8)) && gotBack.contains(Array("and back".utf8)) }
        }
    }
}
