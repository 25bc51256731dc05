import Testing
@testable import Network

/// The sans-IO mDNS machine on a manual clock: answering, discovering, the query schedule, expiry.
@Suite("MDNS machine")
struct MDNSTests {
    static func peer(_ name: String) -> PeerID { try! PrivateKey(seed: Sodium.sha256(Array(name.utf8))).peerID }
    static let alice = peer("mdns-alice")
    static let bob = peer("mdns-bob")
    static let aliceName = String(repeating: "a", count: 40)
    static let bobName = String(repeating: "b", count: 40)
    static let start = Instant(nanoseconds: 1_000_000_000)
    static let peerSender = SocketAddress.ipv4(address: [192, 168, 1, 9], port: 5353)

    static func node(_ me: PeerID, _ name: String, addresses: [String]) -> MDNS {
        var mdns = MDNS(me: me, now: start, peerName: name)
        mdns.setAddresses(addresses.map { try! Multiaddr($0) })
        return mdns
    }

    static func packets(_ mdns: inout MDNS) -> [MDNS.Packet] {
        var out: [MDNS.Packet] = []
        while let packet = mdns.pollTransmit() { out.append(packet) }
        return out
    }

    static func events(_ mdns: inout MDNS) -> [MDNS.Event] {
        var out: [MDNS.Event] = []
        while let event = mdns.pollEvent() { out.append(event) }
        return out
    }

    var alice = MDNSTests.node(MDNSTests.alice, MDNSTests.aliceName, addresses: ["/ip4/192.168.1.7/tcp/4001", "/ip4/127.0.0.1/tcp/4001"])
    var bob = MDNSTests.node(MDNSTests.bob, MDNSTests.bobName, addresses: ["/ip4/192.168.1.9/tcp/4002"])

    @Test func peerNamesAreRandomLabelsOf32To63Alphanumerics() {
        var rng = SplitMix64(seed: 1)
        let names = (0..<200).map { _ in MDNS.randomPeerName(using: &rng) }
        for name in names {
            #expect((32...63).contains(name.count))
            #expect(name.allSatisfy { $0.isLowercase && $0.isLetter || $0.isNumber })
        }
        #expect(Set(names).count == names.count)
        #expect(MDNS(me: Self.alice, now: Self.start).peerName != MDNS(me: Self.alice, now: Self.start).peerName)
    }

    @Test mutating func queriesAtStartForTheServicePTR() throws {
        alice.tick(now: Self.start)
        let sent = Self.packets(&alice)
        #expect(sent.count == 1 && sent[0].destination == .multicast)
        let query = try DNSMessage(decoding: sent[0].bytes)
        #expect(!query.isResponse)
        #expect(query.questions == [DNSQuestion(name: "_p2p._udp.local", type: .ptr)])
    }

    @Test mutating func answersItsOwnQuery() throws {
        alice.tick(now: Self.start)
        let query = Self.packets(&alice)[0]
        try alice.receive(query.bytes, from: .ipv4(address: [192, 168, 1, 7], port: 5353), now: Self.start)
        let replies = Self.packets(&alice)
        #expect(replies.count == 1 && replies[0].destination == .multicast)
        let response = try DNSMessage(decoding: replies[0].bytes)
        #expect(response.isResponse && response.id == 0 && response.questions.isEmpty)
        let instance = DNSName("_p2p._udp.local").prepending(Self.aliceName)
        #expect(response.answers == [DNSRecord(name: "_p2p._udp.local", ttl: 360, data: .ptr(instance))])
        let txt = try #require(response.additionals.first { $0.type == .txt })
        #expect(txt.name == instance)
        #expect(txt.data.textStrings == [
            "dnsaddr=/ip4/192.168.1.7/tcp/4001/p2p/\(Self.alice)", "dnsaddr=/ip4/127.0.0.1/tcp/4001/p2p/\(Self.alice)",
        ])
        let host = DNSName(labels: [Self.aliceName, "local"])
        #expect(response.additionals.contains(DNSRecord(name: instance, ttl: 360, data: .srv(priority: 0, weight: 0, port: 4001, target: host), cacheFlush: true)))
        #expect(response.additionals.contains(DNSRecord(name: host, ttl: 360, data: .a([192, 168, 1, 7]), cacheFlush: true)))
        // and our own response does not discover ourselves
        try alice.receive(replies[0].bytes, from: .ipv4(address: [192, 168, 1, 7], port: 5353), now: Self.start)
        #expect(Self.events(&alice).isEmpty)
    }

    @Test mutating func answersAnotherPeerAndIsDiscoveredByIt() throws {
        bob.tick(now: Self.start)
        try alice.receive(Self.packets(&bob)[0].bytes, from: Self.peerSender, now: Self.start)
        let reply = Self.packets(&alice)
        #expect(reply.count == 1)
        try bob.receive(reply[0].bytes, from: .ipv4(address: [192, 168, 1, 7], port: 5353), now: Self.start)
        let addresses = ["/ip4/192.168.1.7/tcp/4001", "/ip4/127.0.0.1/tcp/4001"].map { try! Multiaddr($0).withPeerID(Self.alice) }
        #expect(Self.events(&bob) == [.discovered(Self.alice, addresses)])
        #expect(bob.discoveredPeers == [Self.alice: addresses])
        // the same response again is not news
        try bob.receive(reply[0].bytes, from: .ipv4(address: [192, 168, 1, 7], port: 5353), now: Self.start)
        #expect(Self.events(&bob).isEmpty)
    }

    @Test mutating func unicastQuestionGetsAUnicastAndOneMulticastReply() throws {
        let query = try DNSMessage(questions: [DNSQuestion(name: "_p2p._udp.local", type: .ptr, unicastResponse: true)]).encode()
        try alice.receive(query, from: Self.peerSender, now: Self.start)
        #expect(Self.packets(&alice).map(\.destination) == [.unicast(Self.peerSender), .multicast])
        // within a quarter of the TTL, unicast only
        try alice.receive(query, from: Self.peerSender, now: Self.start + .seconds(10))
        #expect(Self.packets(&alice).map(\.destination) == [.unicast(Self.peerSender)])
    }

    /// The responses among `mdns`'s packets (its own queries left out).
    static func responses(_ mdns: inout MDNS) -> [MDNS.Packet] {
        packets(&mdns).filter { (try? DNSMessage(decoding: $0.bytes).isResponse) == true }
    }

    @Test mutating func multicastsAnswersAtMostOnceASecond() throws {
        let query = try DNSMessage(questions: [DNSQuestion(name: "_p2p._udp.local", type: .ptr)]).encode()
        for offset in [0, 200, 500, 999, 1000, 1500, 2100] {
            try alice.receive(query, from: Self.peerSender, now: Self.start + .milliseconds(offset))
        }
        // answered at 0, 1000 and 2100 ms; the queries between were answered by those
        #expect(Self.responses(&alice).count == 3)
        alice.tick(now: Self.start + .milliseconds(2200))
        #expect(Self.responses(&alice).isEmpty)
        // one at 2600 ms is held back until 3100 ms, then answered once
        try alice.receive(query, from: Self.peerSender, now: Self.start + .milliseconds(2600))
        alice.tick(now: Self.start + .milliseconds(3099))
        #expect(Self.responses(&alice).isEmpty)
        #expect(alice.nextDeadline()! <= Self.start + .milliseconds(3100))
        alice.tick(now: Self.start + .milliseconds(3100))
        let held = Self.responses(&alice)
        #expect(held.count == 1 && held.first?.destination == .multicast)
        #expect(try DNSMessage(decoding: held[0].bytes).answers.first?.data == .ptr(alice.instanceName))
        alice.tick(now: Self.start + .milliseconds(5000))
        #expect(Self.responses(&alice).isEmpty)
    }

    @Test mutating func legacyUnicastQueryGetsIDQuestionAndShortTTL() throws {
        let asker = SocketAddress.ipv4(address: [192, 168, 1, 9], port: 40000)
        let question = DNSQuestion(name: "_p2p._udp.local", type: .ptr)
        try alice.receive(try DNSMessage(id: 77, questions: [question]).encode(), from: asker, now: Self.start)
        let sent = Self.packets(&alice)
        #expect(sent.map(\.destination) == [.unicast(asker)])
        let response = try DNSMessage(decoding: sent[0].bytes)
        #expect(response.id == 77 && response.questions == [question])
        #expect(response.allRecords.allSatisfy { $0.ttl == MDNSConfig.legacyUnicastTTL })
    }

    @Test mutating func answersDirectTXTAndAddressQuestions() throws {
        let instance = DNSName("_p2p._udp.local").prepending(Self.aliceName)
        let host = DNSName(labels: [Self.aliceName, "local"])
        let query = try DNSMessage(questions: [DNSQuestion(name: instance, type: .txt), DNSQuestion(name: host, type: .a)]).encode()
        try alice.receive(query, from: Self.peerSender, now: Self.start)
        let response = try DNSMessage(decoding: Self.packets(&alice)[0].bytes)
        #expect(response.answers.map(\.type) == [.txt, .a, .a])   // 192.168.1.7 and 127.0.0.1
    }

    @Test mutating func ignoresOtherServicesAndResponsesWithoutQuestionsForUs() throws {
        let query = try DNSMessage(questions: [DNSQuestion(name: "_http._tcp.local", type: .ptr)]).encode()
        try alice.receive(query, from: Self.peerSender, now: Self.start)
        #expect(Self.packets(&alice).isEmpty)
    }

    static func response(txt strings: [String], name: String = MDNSTests.bobName, ttl: UInt32 = 360) throws -> [UInt8] {
        let instance = DNSName("_p2p._udp.local").prepending(name)
        return try DNSMessage(flags: DNSMessage.responseFlag | DNSMessage.authoritativeFlag,
                              answers: [DNSRecord(name: "_p2p._udp.local", ttl: ttl, data: .ptr(instance))],
                              additionals: [DNSRecord(name: instance, ttl: ttl, data: .txt(strings.map { Array($0.utf8) }))]).encode()
    }

    @Test mutating func readsEveryDnsaddrKeyAsPyWritesThem() throws {
        let packet = try Self.response(txt: [
            "dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)", "dnsaddr2=/ip4/10.0.0.3/tcp/1/p2p/\(Self.bob)",
            "id=\(Self.bob)", "dnsaddr3=not a multiaddr", "other=/ip4/10.0.0.4/tcp/1/p2p/\(Self.bob)",
        ])
        try alice.receive(packet, from: Self.peerSender, now: Self.start)
        let expected = ["/ip4/10.0.0.2/tcp/1", "/ip4/10.0.0.3/tcp/1"].map { try! Multiaddr($0).withPeerID(Self.bob) }
        #expect(Self.events(&alice) == [.discovered(Self.bob, expected)])
    }

    @Test mutating func readsAZeroconfResponse() throws {
        try alice.receive(DNSMessageTests.zeroconfResponse, from: Self.peerSender, now: Self.start)
        let py = try PeerID("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
        #expect(Self.events(&alice) == [.discovered(py, [try Multiaddr("/ip4/192.168.1.7/tcp/4001/p2p/\(py)"),
                                                        try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/\(py)")])])
    }

    @Test mutating func dropsAddressesWithoutOrWithAForeignPeerID() throws {
        let packet = try Self.response(txt: [
            "dnsaddr=/ip4/10.0.0.1/tcp/1", "dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)",
            "dnsaddr=/ip4/10.0.0.3/tcp/1/p2p/\(Self.peer("mallory"))",
        ])
        try alice.receive(packet, from: Self.peerSender, now: Self.start)
        #expect(Self.events(&alice) == [.discovered(Self.bob, [try Multiaddr("/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)")])])
    }

    @Test mutating func ignoresRecordsCarryingOurOwnPeerID() throws {
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.alice)"]), from: Self.peerSender, now: Self.start)
        #expect(Self.events(&alice).isEmpty && alice.discoveredPeers.isEmpty)
    }

    @Test mutating func malformedPacketsThrowAndChangeNothing() throws {
        #expect(throws: DNSError.self) { try alice.receive([0, 1, 2], from: Self.peerSender, now: Self.start) }
        #expect(Self.packets(&alice).isEmpty && Self.events(&alice).isEmpty)
    }

    @Test mutating func discoveredPeersExpireWithTheirTTL() throws {
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"], ttl: 120), from: Self.peerSender, now: Self.start)
        _ = Self.events(&alice)
        alice.tick(now: Self.start)
        _ = Self.packets(&alice)
        #expect(alice.nextDeadline()! <= Self.start + .seconds(120))
        alice.tick(now: Self.start + .seconds(119))
        #expect(Self.events(&alice).isEmpty)
        alice.tick(now: Self.start + .seconds(120))
        #expect(Self.events(&alice) == [.expired(Self.bob)])
        #expect(alice.discoveredPeers.isEmpty)
    }

    @Test mutating func goodbyeRecordsRemoveThePeer() throws {
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"]), from: Self.peerSender, now: Self.start)
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"], ttl: 0), from: Self.peerSender, now: Self.start)
        #expect(Self.events(&alice).map { if case .expired = $0 { return true } else { return false } } == [false, true])
    }

    @Test mutating func goodbyeFromAPeerRemovesItFromOthers() throws {
        bob.tick(now: Self.start)
        try alice.receive(Self.packets(&bob)[0].bytes, from: Self.peerSender, now: Self.start)
        try bob.receive(Self.packets(&alice)[0].bytes, from: Self.peerSender, now: Self.start)
        alice.goodbye()
        let goodbye = Self.packets(&alice)
        #expect(goodbye.map(\.destination) == [.multicast])
        #expect(try DNSMessage(decoding: goodbye[0].bytes).allRecords.allSatisfy { $0.ttl == 0 })
        try bob.receive(goodbye[0].bytes, from: Self.peerSender, now: Self.start)
        #expect(Self.events(&bob).last == .expired(Self.alice))
        #expect(bob.discoveredPeers.isEmpty)
    }

    @Test mutating func changedAddressesAreReportedAgain() throws {
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"]), from: Self.peerSender, now: Self.start)
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.5/tcp/1/p2p/\(Self.bob)"]), from: Self.peerSender, now: Self.start)
        #expect(Self.events(&alice).count == 2)
    }

    /// Query times: at start, then gaps doubling from 1 s, capped at 15 s while alone.
    static func queryTimes(_ mdns: inout MDNS, until end: Duration, onEach: (inout MDNS, Instant) -> Void = { _, _ in }) -> [Duration] {
        var times: [Duration] = []
        var now = start
        while now - start <= end {
            mdns.tick(now: now)
            if !packets(&mdns).isEmpty { times.append(now - start) }
            onEach(&mdns, now)
            guard let next = mdns.nextDeadline() else { break }
            now = max(next, now + .milliseconds(1))
        }
        return times
    }

    @Test mutating func queriesBackOffQuicklyWhileAlone() {
        let times = Self.queryTimes(&alice, until: .seconds(60))
        #expect(times == [0, 1, 3, 7, 15, 30, 45, 60].map { Duration.seconds($0) })
    }

    @Test mutating func queriesBackOffToMinutesOncePeersAreKnown() throws {
        var config = MDNSConfig()
        config.recordTTL = 3600
        var mdns = MDNS(me: Self.alice, config: config, now: Self.start, peerName: Self.aliceName)
        let packet = try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"], ttl: 3600)
        try mdns.receive(packet, from: Self.peerSender, now: Self.start)
        let times = Self.queryTimes(&mdns, until: .seconds(1000))
        #expect(times == [0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 811].map { Duration.seconds($0) })
    }

    @Test mutating func forgettingTheLastPeerQueriesQuicklyAgain() throws {
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"], ttl: 3600), from: Self.peerSender, now: Self.start)
        _ = Self.queryTimes(&alice, until: .seconds(520))   // last query at 511 s, the next at 811 s
        let later = Self.start + .seconds(520)
        #expect(alice.nextDeadline()! > later + .seconds(60))
        alice.forget(Self.bob, now: later)
        #expect(alice.nextDeadline()! <= later + .seconds(1))
        // and its next response is news again
        try alice.receive(try Self.response(txt: ["dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Self.bob)"]), from: Self.peerSender, now: later)
        #expect(Self.events(&alice).filter { if case .discovered = $0 { return true } else { return false } }.count == 2)
    }

    @Test mutating func advertisedAddressesGetOurIDAndDropForeignOnes() {
        alice.setAddresses([try! Multiaddr("/ip4/10.0.0.1/tcp/5"), try! Multiaddr("/ip4/10.0.0.2/tcp/5/p2p/\(Self.bob)"),
                            try! Multiaddr("/ip4/10.0.0.3/tcp/5/p2p/\(Self.alice)"), try! Multiaddr("/ip4/10.0.0.1/tcp/5")])
        #expect(alice.addresses.map(\.description) == ["/ip4/10.0.0.1/tcp/5/p2p/\(Self.alice)", "/ip4/10.0.0.3/tcp/5/p2p/\(Self.alice)"])
        alice.setAddresses((0..<40).map { try! Multiaddr("/ip4/10.0.1.\($0)/tcp/5") })
        #expect(alice.addresses.count == MDNSConfig.maxAdvertisedAddresses)
    }

    @Test mutating func withoutAddressesItStaysSilent() throws {
        alice.setAddresses([])
        try alice.receive(try DNSMessage(questions: [DNSQuestion(name: "_p2p._udp.local", type: .ptr)]).encode(), from: Self.peerSender, now: Self.start)
        #expect(Self.packets(&alice).isEmpty)
    }
}

@Suite("mDNS dial order")
struct MDNSDialOrderTests {
    static let lan = IPv4Interface(name: "eth0", address: [192, 168, 1, 7], netmask: [255, 255, 255, 0], isLoopback: false, isMulticast: true)
    static let lo = IPv4Interface(name: "lo", address: [127, 0, 0, 1], netmask: [255, 0, 0, 0], isLoopback: true, isMulticast: false)
    static let addresses = ["/ip4/127.0.0.1/tcp/1", "/ip4/172.17.0.2/tcp/1", "/ip6/fe80::1/tcp/1", "/ip4/192.168.1.9/tcp/1", "/ip6/::1/tcp/1"]
        .map { try! Multiaddr($0) }

    @Test func remotePeerSameSubnetFirstNoLoopbackNoLinkLocal() {
        let sorted = MDNSDialOrder.sorted(Self.addresses, interfaces: [Self.lo, Self.lan], peerIsLocal: false)
        #expect(sorted.map(\.description) == ["/ip4/192.168.1.9/tcp/1", "/ip4/172.17.0.2/tcp/1"])
    }

    @Test func peerOnThisHostLoopbackFirst() {
        let sorted = MDNSDialOrder.sorted(Self.addresses, interfaces: [Self.lo, Self.lan], peerIsLocal: true)
        #expect(sorted.map(\.description) == ["/ip4/127.0.0.1/tcp/1", "/ip6/::1/tcp/1", "/ip4/192.168.1.9/tcp/1", "/ip4/172.17.0.2/tcp/1"])
    }

    @Test func senderOnOurOwnAddressIsLocal() {
        #expect(MDNSDialOrder.isLocal(.ipv4(address: [192, 168, 1, 7], port: 5353), interfaces: [Self.lan]))
        #expect(MDNSDialOrder.isLocal(.ipv4(address: [127, 0, 0, 1], port: 5353), interfaces: []))
        #expect(!MDNSDialOrder.isLocal(.ipv4(address: [192, 168, 1, 9], port: 5353), interfaces: [Self.lan]))
        let own6: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [7]
        let other6: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [9]
        #expect(MDNSDialOrder.isLocal(.ipv6(address: own6, port: 5353), interfaces: [Self.lan], ipv6Addresses: [own6]))
        #expect(!MDNSDialOrder.isLocal(.ipv6(address: other6, port: 5353), interfaces: [Self.lan], ipv6Addresses: [own6]))
        #expect(MDNSDialOrder.isLocal(.loopbackIPv6(port: 5353), interfaces: []))
    }
}
