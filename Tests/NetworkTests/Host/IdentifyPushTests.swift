import Testing
@testable import Network

extension HostTests {
    /// Identify push when our addresses change: a host listening on 0.0.0.0 whose interfaces change tells its
    /// connected peers, with a new signed record; nothing is pushed while they stay the same.
    @Suite struct IdentifyPush {
        static let loopback = SocketAddress.ipv4(address: [127, 0, 0, 1], port: 0)
        static let vpn = SocketAddress.ipv4(address: [10, 8, 0, 2], port: 0)

        /// `a` on 0.0.0.0 with the interfaces `interfaces` returns, `b` dialed to it, both identified.
        func pair(_ h: HostHarness, interval: Duration? = nil,
                  interfaces: @escaping () -> [SocketAddress]) throws -> (TestHost, TestHost) {
            let a = try h.makeHost(listening: false) { $0.addressCheckInterval = interval }
            a.host.interfaceAddresses = interfaces
            try a.host.listen(try Multiaddr("/ip4/0.0.0.0/tcp/0"))
            let b = try h.makeHost { $0.addressCheckInterval = nil }
            try h.connect(b, a)
            try h.run("both identified") { !a.identified.isEmpty && !b.identified.isEmpty }
            return (a, b)
        }

        func port(_ node: TestHost) -> UInt16 {
            guard case .tcp(let port) = node.host.listeners[0].address.components[1] else { return 0 }
            return port
        }

        @Test func aNewInterfaceAddressIsPushedWithANewerRecord() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            var interfaces = [Self.loopback]
            let (a, b) = try pair(h) { interfaces }
            let before = try #require(b.host.peerRecord(of: a.peerID))
            let vpnAddress = try Multiaddr("/ip4/10.8.0.2/tcp/\(port(a))")
            #expect(!before.addresses.contains(vpnAddress))

            interfaces.append(Self.vpn)
            #expect(a.host.checkAddresses())
            try h.run("b hears a's new address") { b.identified.count == 2 }
            let pushed = try #require(b.identified.last?.info)
            #expect(pushed.listenAddrs.map { $0.removingPeerID() }.contains(vpnAddress))
            let after = try #require(b.host.peerRecord(of: a.peerID))
            #expect(after.addresses.contains(vpnAddress) && after.seq > before.seq, "a newer signed record")
            #expect(b.host.peers().first { $0.peer == a.peerID }?.identify?.listenAddrs.count == 2,
                    "b's view of a (what /peers and KnownPeers read) has both")

            // Gone again: pushed again.
            interfaces.removeLast()
            #expect(a.host.checkAddresses())
            try h.run("b hears it is gone") { b.identified.count == 3 }
            #expect(b.host.peerRecord(of: a.peerID)?.addresses.contains(vpnAddress) == false)
        }

        @Test func unchangedAddressesPushNothing() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let (a, b) = try pair(h) { [Self.loopback] }
            #expect(!a.host.checkAddresses())
            try h.settle()
            #expect(b.identified.count == 1)
        }

        @Test func onlyAWildcardListenerIsWatched() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let specific = try h.makeHost()   // 127.0.0.1: its address cannot change
            #expect(specific.host.addressCheck == nil)
            let wildcard = try h.makeHost(listening: false)
            try wildcard.host.listen(try Multiaddr("/ip4/0.0.0.0/tcp/0"))
            #expect(wildcard.host.addressCheck != nil)
        }

        @Test func theTimerFindsTheChange() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            var interfaces = [Self.loopback]
            let (a, b) = try pair(h, interval: .milliseconds(20)) { interfaces }
            try h.settle(ticks: 5)
            #expect(b.identified.count == 1, "no push while nothing changes")
            interfaces.append(Self.vpn)
            try h.run("pushed by the periodic check") { b.identified.count == 2 }
            #expect(a.host.announcedAddresses.count == 2)
        }
    }
}
