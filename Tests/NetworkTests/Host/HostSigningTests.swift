import Testing
@testable import Network

extension HostTests {
    /// `PubSubService` prepares the next signature's nonce `signingPreparationDelay` after a publish, off the
    /// publish's own path (`PreparedSigner`).
    @Suite struct Signing {
        @Test func nonceIsPreparedAfterThePublishNotDuringIt() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let node = try h.makeHost()
            let service = PubSubService(host: node.host, engine: PubSub(identity: .generate(), seqnoStart: 1,
                                                                           now: h.reactor.now))
            service.subscribe("room")
            #expect(service.engine.signingPrepared, "ready from the start")
            _ = try service.publish(topic: "room", data: Array("first".utf8))
            #expect(!service.engine.signingPrepared, "the publish used it")
            try h.settle(ticks: 3)
            #expect(!service.engine.signingPrepared, "not before the delay")
            clock.advance(by: PubSubService.signingPreparationDelay)
            try h.run("nonce prepared") { service.engine.signingPrepared }
            _ = try service.publish(topic: "room", data: Array("second".utf8))
            _ = try service.publish(topic: "room", data: Array("third, unprepared".utf8))
            clock.advance(by: PubSubService.signingPreparationDelay)
            try h.run("nonce prepared again, once") { service.engine.signingPrepared }
        }
    }
}
