import Testing
@testable import Network

/// AutoNAT v1 between hosts on real loopback sockets: the server dials back with a probe of its own, the
/// client counts the verdicts, and the server's rules (the asker's own PeerID, rate limits, private
/// addresses) hold. Servers here allow private addresses, since everything is on 127.0.0.1.
extension HostTests {
    @Suite("AutoNAT") struct AutoNATServiceTests {
        static func serverConfig(_ configure: (inout AutoNATServer.Config) -> Void = { _ in }) -> AutoNATServer.Config {
            var config = AutoNATServer.Config()
            config.allowPrivateAddresses = true
            configure(&config)
            return config
        }

        static func clientConfig(confirmations: Int) -> AutoNATClient.Config {
            var config = AutoNATClient.Config()
            config.bootDelay = .zero
            config.confirmations = confirmations
            return config
        }

        @Test func aListeningPeerIsDialedBackAndFindsItselfReachable() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let servers = try (0..<3).map { _ in try h.makeHost() }
            let autonat = servers.map { AutoNATServer(host: $0.host, config: Self.serverConfig()) }
            let client = try h.makeHost()
            let nat = AutoNATClient(host: client.host, config: Self.clientConfig(confirmations: 3))
            var changes: [AutoNATClient.Reachability] = []
            nat.onChange = { changes.append($0) }
            nat.start()
            for server in servers { try h.connect(client, server) }
            try h.run("three servers dialed back") { nat.reachability == .reachable }
            #expect(changes == [.reachable])
            #expect(autonat.allSatisfy { $0.answered[.ok] == 1 })
            #expect(nat.status == "reachable from outside (3 peers dialed back)")
            // The probes were connections of their own, over at the Noise handshake: nobody saw a second
            // connection come or go, and the original ones stay.
            try h.settle()
            #expect(client.connected.count == 3 && client.disconnections.isEmpty)
            #expect(servers.allSatisfy { $0.connected.count == 1 && $0.disconnections.isEmpty && $0.isConnected(to: client) })
        }

        @Test func aPeerThatDoesNotListenFindsItselfUnreachable() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost()
            let autonat = AutoNATServer(host: server.host, config: Self.serverConfig())
            let client = try h.makeHost(listening: false)   // its connection's port has no listener behind it
            let nat = AutoNATClient(host: client.host, config: Self.clientConfig(confirmations: 1))
            nat.start()
            try h.connect(client, server)
            try h.run("the server could not dial back") { nat.reachability == .unreachable }
            #expect(autonat.answered[.dialError] == 1)
            #expect(nat.status == "not reachable from outside (behind NAT or a firewall)")
        }

        @Test func privateAddressesAreRefusedByDefaultAndGiveNoVerdict() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost()
            let autonat = AutoNATServer(host: server.host)   // the default: no private or loopback dial-backs
            let client = try h.makeHost()
            let nat = AutoNATClient(host: client.host, config: Self.clientConfig(confirmations: 1))
            nat.start()
            try h.connect(client, server)
            try h.run("refused") { autonat.answered[.dialRefused] == 1 }
            try h.settle()
            #expect(nat.reachability == .unknown && nat.votes.isEmpty)
        }

        /// Raw requests on a stream of our own, for what a well-behaved client never sends.
        static func ask(_ h: HostHarness, _ from: TestHost, _ to: TestHost, _ request: AutoNATMessage) throws -> AutoNATResponse {
            var result: Result<AutoNATResponse, AutoNATError>?
            let stream = AutoNATClientStream(request: request, timeout: .seconds(10), reactor: h.reactor) { result = $0 }
            _ = try from.host.newStream(to: to.peerID, protocols: [AutoNAT.protocolID], handler: stream)
            try h.run("answered") { result != nil }
            return try #require(try? result?.get())
        }

        /// Behind a NAT with a forwarded port: no interface of ours has the address the server sees us at, so we
        /// ask it to try our listen port there too; it can, and that address is advertised from then on. (The
        /// "NAT" here: the client's interfaces are faked as 192.0.2.77 while it is really reached on 127.0.0.1.)
        @Test func aForwardedPortOnTheObservedAddressIsConfirmedAndAdvertised() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost()
            _ = AutoNATServer(host: server.host, config: Self.serverConfig())
            let client = try h.makeHost(listening: false) { $0.addressCheckInterval = nil }
            client.host.interfaceAddresses = { [.ipv4(address: [192, 0, 2, 77], port: 0)] }
            let bound = try client.host.listen(try Multiaddr("/ip4/0.0.0.0/tcp/0"))
            let port = try #require(bound.tcpEndpoint?.port)
            let nat = AutoNATClient(host: client.host, config: Self.clientConfig(confirmations: 1))
            nat.start()
            try h.connect(client, server)
            try h.run("reachable") { nat.reachability == .reachable }
            let external = try Multiaddr("/ip4/127.0.0.1/tcp/\(port)")
            #expect(client.host.externalAddresses == [external])
            #expect(client.host.listenAddresses.map { $0.removingPeerID() }
                    == [try Multiaddr("/ip4/192.0.2.77/tcp/\(port)"), external])
            try h.run("the server heard of it by an identify push") {
                server.host.identified[client.peerID]?.listenAddrs.contains(external) == true
            }
            // Found unreachable later: the address is no longer advertised.
            nat.record(false, from: PrivateKey.generate().peerID)
            for _ in 0..<3 { nat.record(false, from: PrivateKey.generate().peerID) }
            #expect(nat.reachability == .unreachable && client.host.externalAddresses.isEmpty)
        }

        @Test func whatADialAsksFor() throws {
            let local = [try Multiaddr("/ip4/192.168.1.5/tcp/4001"), try Multiaddr("/ip4/127.0.0.1/tcp/4001")]
            let natted = try Multiaddr("/ip4/203.0.113.7/tcp/51234")
            #expect(AutoNATClient.dialAddresses(local: local, observed: natted, listenPorts: [4001])
                    == local + [try Multiaddr("/ip4/203.0.113.7/tcp/4001")])
            // Seen at an address of our own (no NAT in between), or not seen at all: our addresses alone.
            #expect(AutoNATClient.dialAddresses(local: local, observed: try Multiaddr("/ip4/192.168.1.5/tcp/50000"),
                                                listenPorts: [4001]) == local)
            #expect(AutoNATClient.dialAddresses(local: local, observed: nil, listenPorts: [4001]) == local)
        }

        /// Probes that fail on our own limit say nothing about the asker: an internal error, not a verdict.
        @Test func ourOwnConnectionLimitIsAnInternalErrorNotAVerdict() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost { $0.maxConnections = 1 }, client = try h.makeHost()
            _ = AutoNATServer(host: server.host, config: Self.serverConfig())
            try h.connect(client, server)
            let request = AutoNATMessage.dial(peer: client.peerID.bytes, addresses: [client.address.removingPeerID().bytes])
            #expect(try Self.ask(h, client, server, request).status == .internalError)
        }

        @Test func aDialNamingAnotherPeerIsABadRequest() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost(), client = try h.makeHost()
            _ = AutoNATServer(host: server.host, config: Self.serverConfig())
            try h.connect(client, server)
            let victim = PrivateKey.generate().peerID
            let response = try Self.ask(h, client, server, .dial(peer: victim.bytes, addresses: [client.address.bytes]))
            #expect(response.status == .badRequest)
        }

        @Test func requestsBeyondThePerPeerRateAreRefused() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost(), client = try h.makeHost()
            _ = AutoNATServer(host: server.host, config: Self.serverConfig { $0.requestsPerPeerPerMinute = 1 })
            try h.connect(client, server)
            let request = AutoNATMessage.dial(peer: client.peerID.bytes, addresses: [client.address.removingPeerID().bytes])
            #expect(try Self.ask(h, client, server, request).status == .ok)
            #expect(try Self.ask(h, client, server, request).status == .dialRefused)
        }

        @Test func aGarbledRequestResetsTheStreamAndTheServerGoesOn() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let server = try h.makeHost(), client = try h.makeHost()
            _ = AutoNATServer(host: server.host, config: Self.serverConfig())
            try h.connect(client, server)
            final class Garbage: StreamHandler {
                var closed: HostError??
                func streamOpened(_ stream: HostStream) { stream.write([0x03, 0x08, 0x05, 0x00]) }   // type 5
                func streamClosed(_ stream: HostStream, error: HostError?) { closed = .some(error) }
            }
            let garbage = Garbage()
            _ = try client.host.newStream(to: server.peerID, protocols: [AutoNAT.protocolID], handler: garbage)
            try h.run("reset") { garbage.closed != nil }
            let request = AutoNATMessage.dial(peer: client.peerID.bytes, addresses: [client.address.removingPeerID().bytes])
            #expect(try Self.ask(h, client, server, request).status == .ok)
            #expect(client.isConnected(to: server))
        }

        @Test func theClientsVotesKeepOnePerServerAndNeedAClearMajority() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let nat = AutoNATClient(host: try h.makeHost().host, config: Self.clientConfig(confirmations: 3))
            let servers = (0..<6).map { _ in PrivateKey.generate().peerID }
            nat.record(true, from: servers[0])
            nat.record(true, from: servers[0])   // the same server again: still one vote
            nat.record(true, from: servers[1])
            #expect(nat.reachability == .unknown)
            nat.record(true, from: servers[2])
            #expect(nat.reachability == .reachable)
            nat.record(false, from: servers[3])
            nat.record(false, from: servers[4])
            #expect(nat.reachability == .reachable, "3 to 2 is not a change")
            nat.record(false, from: servers[5])   // the window (5) drops servers[0]: 2 to 3
            #expect(nat.reachability == .unreachable)
        }
    }

    @Suite("Dial-back probe") struct ProbeTests {
        @Test func aProbeOfTheWrongPeerOrANonListenerFails() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost(), b = try h.makeHost()
            var results: [Result<Void, HostError>] = []
            a.host.probe(b.address.removingPeerID().withPeerID(PrivateKey.generate().peerID)) { results.append($0) }
            let gone = try TCPListener.bind(.loopbackIPv4(port: 0))
            let refused = Multiaddr(tcp: gone.localAddress).withPeerID(b.peerID)
            gone.close()
            a.host.probe(refused) { results.append($0) }
            a.host.probe(b.address) { results.append($0) }
            #expect(a.host.pendingCount >= 1 && !a.host.isConnectedOrDialing(b.peerID), "a probe is not a dial")
            try h.run("three probes done") { results.count == 3 }
            #expect(results.filter { if case .success = $0 { return true } else { return false } }.count == 1)
            #expect(a.events.isEmpty, "probes emit no host events")
            #expect(a.host.connections.isEmpty && !a.host.isConnectedOrDialing(b.peerID))
        }
    }
}
