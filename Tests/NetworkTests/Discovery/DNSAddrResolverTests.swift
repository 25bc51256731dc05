import Testing
@testable import Network

/// `/dnsaddr` resolution: the sans-IO machine with canned answers, and the reactor service against
/// a fake nameserver on 127.0.0.1.
@Suite("dnsaddr resolution")
struct DNSAddrResolverTests {
    static let start = Instant(nanoseconds: 1_000_000_000)
    static func peer(_ name: String) -> PeerID { try! PrivateKey(seed: Sodium.sha256(Array(name.utf8))).peerID }
    static let p1 = peer("dnsaddr-1"), p2 = peer("dnsaddr-2")

    /// The TXT answer a nameserver gives to `query`, with one `dnsaddr=` string per record.
    static func answer(_ query: [UInt8], _ entries: [String], rcode: UInt16 = 0) throws -> [UInt8] {
        let question = try DNSMessage(decoding: query)
        let records = entries.map {
            DNSRecord(name: question.questions[0].name, ttl: 60, data: .txt([Array("dnsaddr=\($0)".utf8)]))
        }
        return try DNSMessage(id: question.id, flags: DNSMessage.responseFlag | rcode,
                              questions: question.questions, answers: records).encode()
    }

    static func queries(_ machine: inout DNSAddrResolver) -> [DNSAddrResolver.Query] {
        var out: [DNSAddrResolver.Query] = []
        while let query = machine.pollTransmit() { out.append(query) }
        return out
    }

    static func name(of query: DNSAddrResolver.Query) throws -> String {
        try DNSMessage(decoding: query.bytes).questions[0].name.description
    }

    @Test func asksForTheTXTRecordsOfUnderscoreDnsaddrWithEDNS() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/example.org"), now: Self.start, firstID: 7)
        let sent = Self.queries(&machine)
        let query = try DNSMessage(decoding: sent[0].bytes)
        #expect(sent.count == 1 && query.id == 7 && !query.isResponse)
        #expect(query.questions == [DNSQuestion(name: "_dnsaddr.example.org", type: .txt)])
        #expect(query.flags & DNSMessage.recursionDesiredFlag != 0)
        #expect(query.additionals.first?.type.rawValue == 41 && query.additionals.first?.recordClass == 4096)
    }

    @Test func returnsTheAddressesOfTheAnswer() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/example.org"), now: Self.start)
        let query = Self.queries(&machine)[0]
        let entries = ["/ip4/1.2.3.4/tcp/4001/p2p/\(Self.p1)", "/ip6/::1/tcp/4001/p2p/\(Self.p2)"]
        try machine.receive(try Self.answer(query.bytes, entries), now: Self.start)
        #expect(try machine.result?.get() == entries.map { try! Multiaddr($0) })
    }

    @Test func followsNestedDnsaddrAndKeepsTheRequestedPeer() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/example.org/p2p/\(Self.p1)"), now: Self.start)
        let first = Self.queries(&machine)[0]
        try machine.receive(try Self.answer(first.bytes, [
            "/dnsaddr/a.example.org/p2p/\(Self.p1)", "/dnsaddr/b.example.org/p2p/\(Self.p2)",
            "/ip4/9.9.9.9/tcp/1/p2p/\(Self.p2)", "/ip4/9.9.9.8/tcp/1",
        ]), now: Self.start)
        let nested = Self.queries(&machine)
        #expect(try nested.map(Self.name) == ["_dnsaddr.a.example.org"])
        #expect(machine.result == nil)
        try machine.receive(try Self.answer(nested[0].bytes, ["/ip4/5.6.7.8/tcp/4001/p2p/\(Self.p1)"]), now: Self.start)
        #expect(try machine.result?.get() == [try Multiaddr("/ip4/5.6.7.8/tcp/4001/p2p/\(Self.p1)")])
    }

    @Test func nestingStopsAtMaxDepth() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/loop.example"), now: Self.start)
        var lookups = 0
        while let query = machine.pollTransmit() {
            lookups += 1
            try machine.receive(try Self.answer(query.bytes, ["/dnsaddr/loop.example"]), now: Self.start)
        }
        #expect(lookups == DNSAddrResolver.maxDepth + 1)
        #expect(machine.result == .failure(.tooDeep(domain: "loop.example")))
    }

    @Test func retriesThenTimesOut() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/silent.example"), now: Self.start,
                                          timeout: .seconds(2), attempts: 3)
        var sent = Self.queries(&machine).count
        var now = Self.start
        while let deadline = machine.nextDeadline() {
            now = deadline
            machine.tick(now: now)
            sent += Self.queries(&machine).count
        }
        #expect(sent == 3)
        #expect(now - Self.start == .seconds(6))
        #expect(machine.result == .failure(.timedOut(domain: "silent.example")))
    }

    @Test func aRetriedQueryStillAcceptsTheLateAnswer() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/slow.example"), now: Self.start)
        let query = Self.queries(&machine)[0]
        machine.tick(now: Self.start + .seconds(2))
        #expect(Self.queries(&machine) == [query])
        try machine.receive(try Self.answer(query.bytes, ["/ip4/1.1.1.1/tcp/1"]), now: Self.start + .seconds(3))
        #expect(try machine.result?.get().count == 1)
    }

    @Test func nxdomainIsAnError() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/missing.example"), now: Self.start)
        try machine.receive(try Self.answer(Self.queries(&machine)[0].bytes, [], rcode: 3), now: Self.start)
        #expect(machine.result == .failure(.serverError(domain: "missing.example", code: 3)))
    }

    @Test func foreignAnswersAreIgnoredAndBadPacketsThrow() throws {
        var machine = try DNSAddrResolver(try Multiaddr("/dnsaddr/example.org"), now: Self.start, firstID: 100)
        let query = Self.queries(&machine)[0]
        var wrongID = try DNSMessage(decoding: try Self.answer(query.bytes, ["/ip4/6.6.6.6/tcp/1"]))
        wrongID.id = 101
        try machine.receive(try wrongID.encode(), now: Self.start)
        var wrongName = wrongID
        wrongName.id = 100
        wrongName.questions = [DNSQuestion(name: "_dnsaddr.evil.example", type: .txt)]
        try machine.receive(try wrongName.encode(), now: Self.start)
        #expect(machine.result == nil)
        #expect(throws: DNSError.self) { try machine.receive([0x00, 0x64, 0x80], now: Self.start) }
        #expect(machine.result == nil)
    }

    @Test func onlyDnsaddrAddressesAreAccepted() {
        #expect(throws: DNSAddrError.notDNSAddr(try! Multiaddr("/ip4/1.2.3.4/tcp/1"))) {
            try DNSAddrResolver(try Multiaddr("/ip4/1.2.3.4/tcp/1"), now: Self.start)
        }
    }

    @Test func readsTheFirstIPv4NameserverOfResolvConf() {
        let text = "# generated\nsearch lan\nnameserver fd00::53\nnameserver\t10.0.0.53 # main\nnameserver 1.1.1.1\n"
        #expect(ResolvConf.nameserver(in: text) == .ipv4(address: [10, 0, 0, 53], port: 53))
        #expect(ResolvConf.nameserver(in: "search lan\n") == nil)
    }

    /// The service end to end: a fake nameserver on 127.0.0.1 answers with canned records (one nested).
    @Test func serviceResolvesAgainstAFakeNameserver() throws {
        let reactor = Reactor()
        let server = try UDPSocket.bind(.loopbackIPv4(port: 0))
        var asked: [String] = []
        reactor.watch(server.fd, .read) { _ in
            while let (bytes, from) = (try? server.receive()) ?? nil {
                guard let query = try? DNSMessage(decoding: bytes) else { continue }
                let name = query.questions[0].name.description
                asked.append(name)
                let entries = name == "_dnsaddr.bootstrap.test"
                    ? ["/dnsaddr/sg1.bootstrap.test/p2p/\(Self.p1)", "/ip4/10.1.1.1/tcp/4001/p2p/\(Self.p2)"]
                    : ["/ip4/10.2.2.2/tcp/4001/p2p/\(Self.p1)"]
                _ = try? server.send(try Self.answer(bytes, entries), to: from)
            }
        }
        var result: Result<[Multiaddr], DNSAddrError>?
        DNSAddrService.resolve(try Multiaddr("/dnsaddr/bootstrap.test"), reactor: reactor,
                               nameserver: server.localAddress) { result = $0 }
        try drive(reactor) { result != nil }
        #expect(asked == ["_dnsaddr.bootstrap.test", "_dnsaddr.sg1.bootstrap.test"])
        #expect(try result?.get() == ["/ip4/10.1.1.1/tcp/4001/p2p/\(Self.p2)", "/ip4/10.2.2.2/tcp/4001/p2p/\(Self.p1)"]
            .map { try Multiaddr($0) })
    }

    @Test func serviceReportsASilentNameserver() throws {
        let reactor = Reactor()
        let silent = try UDPSocket.bind(.loopbackIPv4(port: 0))
        var result: Result<[Multiaddr], DNSAddrError>?
        DNSAddrService.resolve(try Multiaddr("/dnsaddr/bootstrap.test"), reactor: reactor, nameserver: silent.localAddress,
                               timeout: .milliseconds(20), attempts: 2) { result = $0 }
        try drive(reactor) { result != nil }
        #expect(result == .failure(.timedOut(domain: "bootstrap.test")))
    }
}
