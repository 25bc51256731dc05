import Testing
@testable import Network

extension HostTests {
    /// `DHTService` on real hosts over loopback: the server answers on kad streams and resets them on bad input,
    /// a client refuses them, and three hosts meet through provider records.
    @Suite struct DHTServiceTests {
        /// Services observe their host through `unowned` references: tests keep them until the hosts are closed.
        final class Services {
            var all: [DHTService] = []
            func make(_ node: TestHost, _ mode: Kademlia.Mode) -> DHTService {
                let service = DHTService(host: node.host, node: Kademlia(localPeer: node.peerID, mode: mode))
                all.append(service)
                return service
            }
        }

        /// Opens a kad stream from `from` to `to` (already connected) and writes `bytes` on it.
        func openKad(_ h: HostHarness, from: TestHost, to: TestHost, writing bytes: [UInt8]) throws -> (HostStream, RecordingHandler) {
            let handler = RecordingHandler()
            let stream = try from.host.newStream(to: to.peerID, protocols: [KadMessage.protocolID], handler: handler)
            try h.run("kad stream negotiated") { handler.opened || handler.closed }
            stream.write(bytes)
            return (stream, handler)
        }

        func frames(_ bytes: [UInt8]) throws -> [KadMessage] {
            var decoder = LengthPrefixedDecoder(maxFrameLength: KadMessage.maxSize)
            decoder.feed(bytes)
            var out: [KadMessage] = []
            while let frame = try decoder.next() { out.append(try KadMessage(decoding: frame)) }
            return out
        }

        @Test func serverAnswersSeveralRequestsOnOneStream() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let server = try h.makeHost(), asker = try h.makeHost(listening: false), other = try h.makeHost()
            let dht = services.make(server, .server)
            _ = services.make(other, .server)
            try h.connect(other, server)
            try h.run("server knows the other server") { dht.node.table.contains(other.peerID) }
            try h.connect(asker, server)
            try h.run("identified") { !asker.identified.isEmpty }
            #expect(asker.identified.first?.info.protocols.contains(KadMessage.protocolID) == true)
            let requests = KadMessage(type: .findNode, key: [1]).framed() + KadMessage(type: .ping).framed()
                + KadMessage(type: .getProviders, key: KadKey.rendezvous("r")).framed()
            let (_, handler) = try openKad(h, from: asker, to: server, writing: requests)
            try h.run("three replies") { (try? frames(handler.received).count) == 3 }
            let replies = try frames(handler.received)
            #expect(replies.map(\.type) == [.findNode, .ping, .getProviders])
            #expect(replies[0].closerPeers.map(\.id) == [other.peerID])
            #expect(replies[0].closerPeers[0].addrs == [other.address.removingPeerID()])
        }

        @Test(arguments: [
            ("garbage", [0x03, 0x0f, 0xff, 0xff]),
            ("oversized", [0x81, 0x80, 0x80, 0x01]),   // a length over KadMessage.maxSize, refused before buffering
            ("PUT_VALUE without a record", KadMessage(type: .putValue, key: [1]).framed()),
        ] as [(String, [UInt8])])
        func badInputResetsTheStreamOnly(name: String, bytes: [UInt8]) throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let server = try h.makeHost(), asker = try h.makeHost(listening: false)
            _ = services.make(server, .server)
            try h.connect(asker, server)
            let (_, handler) = try openKad(h, from: asker, to: server, writing: bytes)
            try h.run("stream reset (\(name))") { handler.closed }
            #expect(handler.closeError != nil, "\(name)")
            #expect(handler.received.isEmpty)
            #expect(asker.isConnected(to: server))
            try h.expectServes(server)
        }

        @Test func clientRefusesKadStreamsAndDoesNotAdvertiseKad() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let client = try h.makeHost(), asker = try h.makeHost(listening: false)
            _ = services.make(client, .client)
            try h.connect(asker, client)
            try h.run("identified") { !asker.identified.isEmpty }
            #expect(asker.identified[0].info.protocols.contains(KadMessage.protocolID) == false)
            let (_, handler) = try openKad(h, from: asker, to: client, writing: [])
            #expect(handler.closed && !handler.opened)
            #expect(handler.closeError?.protocolNegotiation != nil)
        }

        @Test func clientsMeetThroughAServersProviderRecords() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let server = try h.makeHost(), a = try h.makeHost(), b = try h.makeHost()
            let serverDHT = services.make(server, .server), aDHT = services.make(a, .client), bDHT = services.make(b, .client)
            var bootstrapped = 0
            aDHT.onBootstrapped = { bootstrapped += 1 }
            bDHT.onBootstrapped = { bootstrapped += 1 }
            aDHT.bootstrap([server.address])
            bDHT.bootstrap([server.address])
            try h.run("both bootstrapped") { bootstrapped == 2 }
            #expect(serverDHT.node.table.count == 0, "clients never enter a table")
            let key = KadKey.rendezvous("service-room")
            var provided: Kademlia.QueryResult?
            aDHT.provide(key) { provided = $0 }
            try h.run("provided") { provided != nil }
            #expect(provided?.providedTo == 1)
            var found: [KadPeer] = []
            var finished = false
            bDHT.findProviders(key, onProvider: { found.append($0) }, completion: { _ in finished = true })
            try h.run("lookup finished") { finished }
            #expect(found.map(\.id) == [a.peerID])
            bDHT.connect(found[0])
            try h.run("b dialed a") { b.isConnected(to: a) }
        }
    
        /// The latest a redial planned `delay` from now can come, jitter included.
        static func latest(_ delay: Duration) -> Duration { delay * (1 + DHTService.bootstrapRedial.jitter) }

        /// The bootstrap node is not up when we start (or the first dial is lost on a busy host): the dial is
        /// retried with backoff, and the node seeds the table once it listens.
        @Test func aBootstrapNodeThatIsNotUpYetIsDialedAgainUntilItIs() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let gone = try TCPListener.bind(.loopbackIPv4(port: 0))
            let port = gone.localAddress
            gone.close()
            let server = try h.makeHost(listening: false), a = try h.makeHost()
            _ = services.make(server, .server)
            let aDHT = services.make(a, .client)
            var bootstrapped = 0
            aDHT.onBootstrapped = { bootstrapped += 1 }
            aDHT.bootstrap([Multiaddr(tcp: port).withPeerID(server.peerID)])
            try h.run("first dial fails") { a.dialFailures.count == 1 }
            clock.advance(by: Self.latest(.seconds(1)))
            try h.run("second dial fails") { a.dialFailures.count == 2 }
            #expect(aDHT.bootstrapKeeper.schedule.failedRounds(server.peerID) == 2)
            try server.host.listen(Multiaddr(tcp: port))
            try h.settle()
            #expect(!a.isConnected(to: server), "no dial before the backoff")
            clock.advance(by: Self.latest(.seconds(2)))
            try h.run("bootstrapped through the node once it listens") { bootstrapped == 1 }
            #expect(aDHT.node.table.contains(server.peerID))
        }

        /// A bootstrap node that restarts (here: drops us) is redialed, and the new connection bootstraps again.
        /// A client `a` bootstrapped through a DHT server, on a manual clock; `bootstrapped` counts self lookups.
        final class Bootstrapped {
            let clock = ManualClock()
            let h: HostHarness
            let services = Services()
            let server: TestHost, a: TestHost
            let aDHT: DHTService
            var bootstrapped = 0

            init() throws {
                h = HostHarness(clock: clock)
                server = try h.makeHost()
                a = try h.makeHost()
                _ = services.make(server, .server)
                aDHT = services.make(a, .client)
                aDHT.onBootstrapped = { [unowned self] in self.bootstrapped += 1 }
                aDHT.bootstrap([server.address])
                try h.run("bootstrapped") { bootstrapped == 1 }
            }

            func shutdown() { h.shutdown() }
        }

        @Test func aBootstrapNodeThatDropsUsIsRedialedAndLookedUpThroughAgain() throws {
            let f = try Bootstrapped()
            defer { f.shutdown() }
            let (h, clock, server, a) = (f.h, f.clock, f.server, f.a)
            server.host.disconnect(a.peerID)
            try h.run("dropped") { !a.isConnected(to: server) }
            clock.advance(by: Self.latest(.seconds(1)))
            try h.run("redialed and bootstrapped again") { f.bootstrapped == 2 }
            #expect(a.connected.filter { $0.peer == server.peerID }.count == 2)
        }

        /// Once the table is healthy (`lowTableSize` peers) bootstrap peers are left alone: a public bootstrap node
        /// that trims idle connections is not redialed at once. When the table runs low again, they are kept again.
        @Test func aHealthyTableLetsBootstrapPeersGoAndALowOneKeepsThemAgain() throws {
            let f = try Bootstrapped()
            defer { f.shutdown() }
            let (h, clock, server, a, aDHT) = (f.h, f.clock, f.server, f.a, f.aDHT)
            #expect(aDHT.bootstrapKeeper.schedule.isKept(server.peerID), "one peer in the table: low")

            let others = (0..<DHTService.lowTableSize).map { _ in PrivateKey.generate().peerID }
            for peer in others { aDHT.node.addPeer(peer, addrs: [Self.refused], now: h.reactor.now) }
            aDHT.drain()
            #expect(!aDHT.bootstrapKeeper.schedule.isKept(server.peerID), "healthy table: let go")
            #expect(a.isConnected(to: server), "the connection itself stays")
            server.host.disconnect(a.peerID)
            try h.run("dropped") { !a.isConnected(to: server) }
            clock.advance(by: .seconds(60))
            try h.settle()
            #expect(!a.isConnected(to: server), "not redialed")

            for peer in others { _ = aDHT.node.table.remove(peer) }
            aDHT.drain()
            try h.run("kept and redialed once the table is low") { a.isConnected(to: server) }
        }

        /// A bootstrap address that turns out not to serve the DHT is let go: no redials after it drops.
        @Test func aBootstrapPeerWithoutTheDHTIsNotKept() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let plain = try h.makeHost(), a = try h.makeHost()
            let aDHT = services.make(a, .client)
            aDHT.bootstrap([plain.address])
            try h.run("identified") { a.identified.contains { $0.peer == plain.peerID } }
            #expect(!aDHT.bootstrapKeeper.schedule.isKept(plain.peerID))
            #expect(aDHT.node.table.count == 0)
        }

        static let refused = try! Multiaddr("/ip4/127.0.0.1/tcp/1")

        @Test func dialsTheNextAddressWhenOneFails() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost(), b = try h.makeHost()
            let dht = services.make(a, .client)
            dht.connect(KadPeer(id: b.peerID, addrs: [Self.refused, b.address.removingPeerID()]))
            try h.run("connected on the second address") { a.isConnected(to: b) }
            #expect(a.dialFailures.count == 1)
        }

        /// AutoNAT's verdict switches the mode: a connected peer hears of it by an identify push, and kad streams
        /// are refused while we only ask.
        @Test func switchingModesIsPushedToConnectedPeers() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost(), b = try h.makeHost()
            let dht = services.make(a, .server)
            _ = services.make(b, .client)
            try h.connect(b, a)
            func bSeesKad() -> Bool? { b.host.identified[a.peerID].map { $0.protocols.contains(KadMessage.protocolID) } }
            try h.run("both identified, b saw a server") { bSeesKad() == true && a.host.identified[b.peerID] != nil }
            dht.setMode(.client)
            #expect(dht.node.mode == .client && !a.host.supportedProtocols.contains(KadMessage.protocolID))
            try h.run("b heard a went client") { bSeesKad() == false }
            dht.setMode(.server)
            try h.run("b heard a serves again") { bSeesKad() == true }
            #expect(dht.status.hasPrefix("DHT server:"))
        }

        /// A DHT peer's first address swallows the connection (a network we are not on): its second one is
        /// dialed 250 ms later, not after the 10 s handshake timeout.
        @Test func aStalledAddressDoesNotHoldUpTheNext() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost { $0.handshakeTimeout = .seconds(60) }, b = try h.makeHost()
            let pit = try TCPListener.bind(.loopbackIPv4(port: 0))   // accepts TCP, never answers
            defer { pit.close() }
            let dht = services.make(a, .client)
            dht.connect(KadPeer(id: b.peerID, addrs: [Multiaddr(tcp: pit.localAddress), b.address.removingPeerID()]))
            try h.run("connected on the second address") { a.isConnected(to: b) }
            #expect(a.dialFailures.isEmpty && a.host.pendingCount == 0)
            #expect(dht.dialing[b.peerID] == nil)
        }

        /// Someone else's single dial to the peer was running when the DHT asked; when it fails, the DHT's
        /// own addresses are dialed.
        @Test func aMergedDialThatFailsGivesTheDHTsAddressesTheirTurn() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost(), b = try h.makeHost()
            let dht = services.make(a, .client)
            a.host.dial(Self.refused.withPeerID(b.peerID))   // e.g. the redialer, on an old address
            #expect(a.host.isConnectedOrDialing(b.peerID))
            dht.connect(KadPeer(id: b.peerID, addrs: [b.address.removingPeerID()]))
            #expect(a.host.peerDials[b.peerID] == nil, "merged into the running dial")
            try h.run("connected on the DHT's address") { a.isConnected(to: b) }
            #expect(a.dialFailures.map(\.address) == [Self.refused.withPeerID(b.peerID)])
        }

        @Test func aPeerNobodyCanReachFailsItsRequestAndLeavesTheTable() throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost()
            let dht = services.make(a, .client)
            let ghost = KadFixture.peer("ghost")
            dht.node.addPeer(ghost, addrs: [Self.refused], now: dht.now)
            var result: Kademlia.QueryResult?
            dht.findNode([1, 2, 3]) { result = $0 }
            try h.run("lookup over") { result != nil }
            #expect(result?.closest.isEmpty == true)
            #expect(!dht.node.table.contains(ghost))
            #expect(dht.status == "DHT: 0 peers, 0 lookups")
        }
    
        /// Answers every kad request with the same bytes.
        final class ScriptedServer: StreamHandler {
            let reply: [UInt8]
            init(reply: [UInt8]) { self.reply = reply }
            func stream(_ stream: HostStream, received bytes: [UInt8]) { stream.write(reply) }
        }

        @Test(arguments: [("garbage", [0x02, 0x0f, 0x0f]), ("oversized", [0xff, 0xff, 0xff, 0x7f])] as [(String, [UInt8])])
        func aBadReplyFailsTheRequestAndDropsThePeer(name: String, reply: [UInt8]) throws {
            let h = HostHarness(), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost(), liar = try h.makeHost()
            liar.host.setStreamHandler(KadMessage.protocolID) { _ in ScriptedServer(reply: reply) }
            let dht = services.make(a, .client)
            dht.node.addPeer(liar.peerID, addrs: [liar.address.removingPeerID()], now: dht.now)
            var result: Kademlia.QueryResult?
            dht.findNode([7]) { result = $0 }
            try h.run("lookup over (\(name))") { result != nil }
            #expect(result?.closest.isEmpty == true)
            #expect(!dht.node.table.contains(liar.peerID))
            #expect(a.isConnected(to: liar), "a bad reply costs the stream, not the connection")
        }
    }
}

@Suite struct DHTModeTests {
    @Test(arguments: [
        (["/ip4/127.0.0.1/tcp/4001"], Kademlia.Mode.client),
        (["/ip6/::1/tcp/4001"], .client),
        ([String](), .client),
        (["/ip4/127.0.0.1/tcp/4001", "/ip4/192.168.1.7/tcp/4001"], .server),
        (["/ip4/203.0.113.9/tcp/4001"], .server),
    ] as [([String], Kademlia.Mode)])
    func serverWhenListeningBeyondLoopback(addresses: [String], mode: Kademlia.Mode) throws {
        #expect(DHTService.defaultMode(listenAddresses: try addresses.map(Multiaddr.init)) == mode)
    }
}
