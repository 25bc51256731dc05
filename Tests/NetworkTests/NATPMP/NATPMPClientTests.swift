import Testing
@testable import Network

/// The sans-IO NAT-PMP client on virtual time (`ManualClock`), talking to hand-made gateway responses.
@Suite struct NATPMPClientTests {
    static let gateway = SocketAddress.ipv4(address: [192, 168, 0, 1], port: 5351)
    static let port: UInt16 = 4001
    static let external: [UInt8] = [203, 0, 113, 7]

    let clock = ManualClock()
    var client = NATPMPClient(gateway: NATPMPClientTests.gateway, internalPort: NATPMPClientTests.port)

    static func addressResponse(epoch: UInt32, ip: [UInt8] = external) -> [UInt8] {
        [0, 128, 0, 0] + be32(epoch) + ip
    }

    static func mapResponse(epoch: UInt32, internalPort: UInt16 = port, external: UInt16, lifetime: UInt32) -> [UInt8] {
        [0, 130, 0, 0] + be32(epoch) + [UInt8(internalPort >> 8), UInt8(internalPort & 0xff), UInt8(external >> 8), UInt8(external & 0xff)]
            + be32(lifetime)
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

    static let mapRequest = NATPMPMessage.mapTCPRequest(internalPort: port, suggestedExternalPort: port, lifetime: 7200)

    mutating func transmits() -> [[UInt8]] {
        var all: [[UInt8]] = []
        while let datagram = client.pollTransmit() { all.append(datagram) }
        return all
    }

    mutating func events() -> [NATPMPClient.Event] {
        var all: [NATPMPClient.Event] = []
        while let event = client.pollEvent() { all.append(event) }
        return all
    }

    /// Runs the exchange up to a mapping of `port` → 40001 for `lifetime` seconds, at epoch `epoch`.
    mutating func map(epoch: UInt32 = 100, lifetime: UInt32 = 7200) throws {
        client.start(now: clock.now)
        #expect(transmits() == [[0, 0]])
        try client.receive(Self.addressResponse(epoch: epoch), from: Self.gateway, now: clock.now)
        #expect(transmits() == [Self.mapRequest])
        try client.receive(Self.mapResponse(epoch: epoch, external: 40001, lifetime: lifetime), from: Self.gateway, now: clock.now)
    }

    @Test mutating func retransmitsWithDoublingDelaysThenGivesUp() {
        let start = clock.now
        client.start(now: clock.now)
        #expect(transmits() == [[0, 0]])
        var sent = 1
        var expectedDelay = Duration.milliseconds(250)
        var elapsed = Duration.zero
        while let deadline = client.nextDeadline {
            elapsed += expectedDelay
            #expect(deadline == start + elapsed, "try \(sent)")
            clock.advance(to: deadline)
            client.handleTimeout(now: clock.now)
            let out = transmits()
            if out.isEmpty { break }
            #expect(out == [[0, 0]])
            sent += 1
            expectedDelay = expectedDelay * 2
        }
        #expect(sent == NATPMPClient.maxTries)
        #expect(elapsed == .milliseconds(250 * 511))   // 250 ms · (1 + 2 + … + 256): the last try waits 64 s
        #expect(events() == [.gaveUp(.noResponse(tries: 9))])
        #expect(client.nextDeadline == nil)
    }

    @Test mutating func earlyTimeoutDoesNothing() {
        client.start(now: clock.now)
        _ = transmits()
        clock.advance(by: .milliseconds(249))
        client.handleTimeout(now: clock.now)
        #expect(transmits().isEmpty)
    }

    @Test mutating func successfulMappingEmitsTheExternalMultiaddr() throws {
        try map()
        #expect(events() == [.mapped(external: try Multiaddr("/ip4/203.0.113.7/tcp/40001"))])
        #expect(client.mapping == (try Multiaddr("/ip4/203.0.113.7/tcp/40001")))
    }

    @Test mutating func renewsAtHalfTheGrantedLifetime() throws {
        let start = clock.now
        try map(lifetime: 3600)
        _ = events()
        #expect(client.nextDeadline == start + .seconds(1800))
        clock.advance(to: start + .seconds(1800))
        client.handleTimeout(now: clock.now)
        // The renewal asks for the port the gateway gave us.
        #expect(transmits() == [NATPMPMessage.mapTCPRequest(internalPort: Self.port, suggestedExternalPort: 40001, lifetime: 7200)])
        try client.receive(Self.mapResponse(epoch: 1900, external: 40001, lifetime: 3600), from: Self.gateway, now: clock.now)
        #expect(events().isEmpty)   // same mapping: nothing new to report
        #expect(client.nextDeadline == clock.now + .seconds(1800))
    }

    @Test mutating func epochGoingBackwardsMapsAgain() throws {
        try map(epoch: 5000, lifetime: 3600)
        _ = events()
        clock.advance(to: client.nextDeadline!)
        client.handleTimeout(now: clock.now)
        _ = transmits()
        // The gateway rebooted 10 s ago: its epoch is far below 5000 + 1800 · 7/8.
        try client.receive(Self.mapResponse(epoch: 10, external: 40002, lifetime: 3600), from: Self.gateway, now: clock.now)
        #expect(transmits() == [[0, 0]])   // starts over: its external address may have changed too
        #expect(events().isEmpty)
        try client.receive(Self.addressResponse(epoch: 10, ip: [198, 51, 100, 9]), from: Self.gateway, now: clock.now)
        #expect(transmits() == [NATPMPMessage.mapTCPRequest(internalPort: Self.port, suggestedExternalPort: 40001, lifetime: 7200)])
        try client.receive(Self.mapResponse(epoch: 10, external: 40002, lifetime: 3600), from: Self.gateway, now: clock.now)
        #expect(events() == [.lost, .mapped(external: try Multiaddr("/ip4/198.51.100.9/tcp/40002"))])
    }

    @Test mutating func renewalThatGoesUnansweredLosesTheMappingThenStartsOver() throws {
        try map(lifetime: 3600)
        _ = events()
        for _ in 0...NATPMPClient.maxTries {   // the renewal's first send, then its retries and the last wait
            clock.advance(to: try #require(client.nextDeadline))
            client.handleTimeout(now: clock.now)
        }
        _ = transmits()
        // A gateway that answered before: a blip, not a router without NAT-PMP. The mapping is gone, not the machine.
        #expect(events() == [.lost])
        #expect(client.mapping == nil)
        #expect(client.nextDeadline == clock.now + NATPMPClient.retryAfterLoss)
        clock.advance(by: NATPMPClient.retryAfterLoss)
        client.handleTimeout(now: clock.now)
        #expect(transmits() == [[0, 0]], "starts over with the external address")
        try client.receive(Self.addressResponse(epoch: 5000), from: Self.gateway, now: clock.now)
        #expect(transmits() == [Self.mapRequest])
        try client.receive(Self.mapResponse(epoch: 5000, external: 40001, lifetime: 3600), from: Self.gateway, now: clock.now)
        #expect(events() == [.mapped(external: try Multiaddr("/ip4/203.0.113.7/tcp/40001"))])
    }

    @Test mutating func ignoresOtherSenders() throws {
        client.start(now: clock.now)
        _ = transmits()
        let impostors: [SocketAddress] = [.ipv4(address: [192, 168, 0, 2], port: 5351), .ipv4(address: [192, 168, 0, 1], port: 5350)]
        for impostor in impostors {
            #expect(throws: NATPMPError.unexpectedSender(impostor)) {
                try client.receive(Self.addressResponse(epoch: 1), from: impostor, now: clock.now)
            }
        }
        #expect(transmits().isEmpty)
        #expect(events().isEmpty)
        #expect(client.nextDeadline == clock.now + .milliseconds(250))
    }

    @Test mutating func ignoresUnsolicitedAndForeignResponses() throws {
        client.start(now: clock.now)
        _ = transmits()
        // A mapping answer while the address is asked, and garbage: dropped, the request still pending.
        #expect(throws: NATPMPError.unsolicited) {
            try client.receive(Self.mapResponse(epoch: 1, external: 1, lifetime: 1), from: Self.gateway, now: clock.now)
        }
        #expect(throws: NATPMPError.truncated(expected: 8, got: 3)) {
            try client.receive([0, 128, 0], from: Self.gateway, now: clock.now)
        }
        try client.receive(Self.addressResponse(epoch: 1), from: Self.gateway, now: clock.now)
        _ = transmits()
        // Another internal port's mapping is not ours.
        #expect(throws: NATPMPError.unsolicited) {
            try client.receive(Self.mapResponse(epoch: 1, internalPort: 9999, external: 1, lifetime: 1), from: Self.gateway, now: clock.now)
        }
        #expect(events().isEmpty)
    }

    @Test mutating func errorResultCodeGivesUpWithTheReason() throws {
        client.start(now: clock.now)
        try client.receive(Self.addressResponse(epoch: 1), from: Self.gateway, now: clock.now)
        _ = transmits()
        #expect(throws: NATPMPError.failed(.notAuthorized)) {
            try client.receive([0, 130, 0, 2, 0, 0, 0, 1], from: Self.gateway, now: clock.now)
        }
        #expect(events() == [.gaveUp(.failed(.notAuthorized))])
        #expect(client.mapping == nil)
        #expect(client.nextDeadline == nil)
    }

    @Test mutating func zeroLifetimeGrantIsNoMapping() throws {
        client.start(now: clock.now)
        try client.receive(Self.addressResponse(epoch: 1), from: Self.gateway, now: clock.now)
        try client.receive(Self.mapResponse(epoch: 1, external: 40001, lifetime: 0), from: Self.gateway, now: clock.now)
        #expect(events() == [.gaveUp(.emptyMapping)])
    }

    @Test mutating func unmapSendsLifetimeZero() throws {
        try map()
        _ = events()
        client.unmap()
        #expect(transmits() == [NATPMPMessage.mapTCPRequest(internalPort: Self.port, suggestedExternalPort: 0, lifetime: 0)])
        #expect(transmits() == [])
        #expect(events() == [.lost])
        #expect(client.nextDeadline == nil)
        client.unmap()
        #expect(transmits().isEmpty)
    }

    @Test mutating func unmapBeforeAnyMappingSendsNothing() {
        client.start(now: clock.now)
        _ = transmits()
        client.unmap()
        #expect(transmits().isEmpty)
        #expect(events().isEmpty)
    }
}
