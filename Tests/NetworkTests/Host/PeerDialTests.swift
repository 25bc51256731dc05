import Testing
@testable import Network

/// `Host.dial(_:addresses:)`: one peer on several addresses, staggered, over real loopback sockets. A
/// "tarpit" is a listener that never accepts: the kernel completes TCP, then nothing ever answers, so a dial
/// to it stalls until the handshake timeout, as one to a SYN-swallowing network does.
extension HostTests {
    @Suite("Peer dial") struct PeerDialTests {
        static func tarpit() throws -> (TCPListener, Multiaddr) {
            let listener = try TCPListener.bind(.loopbackIPv4(port: 0))
            return (listener, Multiaddr(tcp: listener.localAddress))
        }

        /// An address where nothing listens: the connect is refused.
        static func refused() throws -> Multiaddr {
            let listener = try TCPListener.bind(.loopbackIPv4(port: 0))
            defer { listener.close() }
            return Multiaddr(tcp: listener.localAddress)
        }

        @Test func aStalledAddressDoesNotHoldUpTheNext() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.handshakeTimeout = .seconds(60) }, b = try harness.makeHost()
            let (pit, pitAddress) = try Self.tarpit()
            defer { pit.close() }
            var pendingAtConnect: Int?
            a.host.addObserver { if case .connected = $0 { pendingAtConnect = a.host.pendingCount } }
            a.host.dial(b.peerID, addresses: [pitAddress, b.address])
            try harness.run("a connected to b") { a.isConnected(to: b) }
            // Dialed one after the other, b's address would wait for the tarpit's 60 s timeout.
            #expect(pendingAtConnect == 1, "the tarpit attempt was still in flight when b's connected")
            #expect(a.connected.first?.info.remoteAddress == b.address.removingPeerID())
            #expect(a.host.pendingCount == 0, "the stalled attempt is closed once the peer is connected")
            #expect(a.dialFailures.isEmpty && a.peerDialFailures.isEmpty, "closing it is not a failure")
        }

        @Test func aFailedAttemptStartsTheNextAtOnce() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.dialStagger = .seconds(3600) }, b = try harness.makeHost()
            let refused = try Self.refused()
            a.host.dial(b.peerID, addresses: [refused, b.address])
            try harness.run("a connected to b after the refused address") { a.isConnected(to: b) }
            #expect(a.dialFailures.map(\.address) == [refused.withPeerID(b.peerID)])
            #expect(a.peerDialFailures.isEmpty)
        }

        @Test func everyAddressFailingIsReportedOnce() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.dialStagger = .seconds(3600) }
            let peer = PrivateKey.generate().peerID
            let addresses = [try Self.refused(), try Self.refused()]
            a.host.dial(peer, addresses: addresses + addresses)   // duplicates are dialed once
            try harness.run("the peer dial failed") { !a.peerDialFailures.isEmpty }
            try harness.settle()
            #expect(a.peerDialFailures.count == 1 && a.peerDialFailures.first?.peer == peer)
            #expect(Set(a.dialFailures.map(\.address)) == Set(addresses.map { $0.withPeerID(peer) }))
            #expect(a.dialFailures.count == 2)
            #expect(a.host.peerDials.isEmpty && !a.host.isConnectedOrDialing(peer))
        }

        @Test func noAddressesFailsAtOnce() throws {
            let harness = HostHarness()
            let a = try harness.makeHost()
            let peer = PrivateKey.generate().peerID
            a.host.dial(peer, addresses: [])
            guard case .noAddresses(peer)? = a.peerDialFailures.first?.error else {
                Issue.record("expected noAddresses, got \(a.peerDialFailures)"); return
            }
        }

        @Test func attemptsInFlightAreCapped() throws {
            let harness = HostHarness()
            let a = try harness.makeHost {
                $0.maxParallelDialsPerPeer = 2
                $0.dialStagger = .milliseconds(1)
                $0.handshakeTimeout = .milliseconds(500)
            }
            let b = try harness.makeHost()
            let pits = try (0..<3).map { _ in try Self.tarpit() }
            defer { pits.forEach { $0.0.close() } }
            a.host.dial(b.peerID, addresses: pits.map(\.1) + [b.address])
            var most = 0
            try harness.run("a connected to b past three tarpits", maxTicks: 400, tick: .milliseconds(10)) {
                most = max(most, a.host.pendingCount)
                return a.isConnected(to: b)
            }
            #expect(most == 2, "never more than maxParallelDialsPerPeer attempts at once")
            #expect(a.dialFailures.count >= 2 && a.dialFailures.allSatisfy {
                if case .handshakeTimeout = $0.error { return true } else { return false }
            })
        }

        @Test func addressesGivenLaterJoinTheRunningDial() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.handshakeTimeout = .seconds(60) }, b = try harness.makeHost()
            let (pit, pitAddress) = try Self.tarpit()
            defer { pit.close() }
            a.host.dial(b.peerID, addresses: [pitAddress])
            a.host.dial(b.peerID, addresses: [b.address])   // say, the DHT found another address meanwhile
            #expect(a.host.peerDials.count == 1)
            try harness.run("a connected to b on the later address") { a.isConnected(to: b) }
            #expect(a.host.pendingCount == 0)
        }

        /// A `/dns4` address in a peer dial is looked up and dialed like any other (its answer is not mistaken
        /// for a stray dial to a peer already being dialed).
        @Test func aNameInAPeerDialIsLookedUpAndDialed() throws {
            let h = HostHarness()
            let resolver = GatedResolver(loopback: ["peer-b.test"], open: true)
            let a = try h.makeHost { $0.nameResolver = resolver; $0.dialStagger = .seconds(3600) }
            let b = try h.makeHost()
            let port = try #require(b.address.tcpEndpoint?.port)
            a.host.dial(b.peerID, addresses: [try Multiaddr("/dns4/peer-b.test/tcp/\(port)")])
            try h.run("connected through the name") { a.isConnected(to: b) }
            #expect(a.host.peerDials.isEmpty && a.host.pendingLookupCount == 0)
        }

        /// A single dial of a peer being dialed on other addresses joins that peer dial; one of an address the
        /// peer dial already tried fails at once, so whoever asked hears back.
        @Test func singleDialsJoinARunningPeerDial() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.dialStagger = .seconds(3600) }, b = try harness.makeHost()
            let (pit, pitAddress) = try Self.tarpit()
            defer { pit.close() }
            let refused = try Self.refused()
            a.host.dial(b.peerID, addresses: [refused, pitAddress])
            try harness.run("the refused address failed") { a.dialFailures.count == 1 }
            a.host.dial(refused.withPeerID(b.peerID))   // tried already: fails at once
            #expect(a.dialFailures.count == 2 && a.dialFailures[1].address == refused.withPeerID(b.peerID))
            a.host.dial(b.address)                      // say, mDNS found b on the LAN: joins, is started at once
            try harness.run("connected on the joined address") { a.isConnected(to: b) }
            #expect(a.host.pendingCount == 0 && a.peerDialFailures.isEmpty)
        }

        /// Someone's single dial fails, and an observer of that failure starts a peer dial on the same address
        /// (the DHT does): the old failure is not charged to the new attempt.
        @Test func aSingleDialsFailureIsNotChargedToANewPeerDial() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.dialStagger = .seconds(3600) }, b = try harness.makeHost()
            let refused = try Self.refused()
            var started = false
            a.host.addObserver { event in
                guard case .dialFailed = event, !started else { return }
                started = true
                a.host.dial(b.peerID, addresses: [refused, b.address])
            }
            a.host.dial(refused.withPeerID(b.peerID))
            try harness.run("connected by the peer dial") { a.isConnected(to: b) }
            // The single dial's failure, then the peer dial's own attempt on the refused address.
            #expect(a.dialFailures.count == 2 && a.peerDialFailures.isEmpty)
        }

        @Test func closingTheHostEndsThePeerDialQuietly() throws {
            let harness = HostHarness()
            let a = try harness.makeHost { $0.handshakeTimeout = .seconds(60) }
            let (pit, pitAddress) = try Self.tarpit()
            defer { pit.close() }
            let peer = PrivateKey.generate().peerID
            a.host.dial(peer, addresses: [pitAddress, try Self.refused()])
            a.host.close()
            try harness.settle()
            #expect(a.host.peerDials.isEmpty && a.host.pendingCount == 0)
            #expect(a.peerDialFailures.isEmpty)
        }
    }
}

extension TestHost {
    var peerDialFailures: [(peer: PeerID, error: HostError)] {
        events.compactMap { if case .peerDialFailed(let p, let e) = $0 { return (p, e) } else { return nil } }
    }
}
