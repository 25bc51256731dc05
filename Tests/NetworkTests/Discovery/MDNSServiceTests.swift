import Testing
@testable import Network

/// `MDNSService` on a real reactor with real UDP multicast: two hosts in one process find and dial each
/// other. A private port (not 5353) keeps other mDNS responders on this machine out of the test.
extension HostTests {
    @Suite("MDNSService") struct MDNSServiceTests {
        /// Two listening hosts, each with an mDNS service on the same private port (not started yet).
        static func pair(_ harness: HostHarness, ipv4: Bool = true, ipv6: Bool = true) throws
            -> (a: TestHost, b: TestHost, mdnsA: MDNSService, mdnsB: MDNSService) {
            var config = MDNSConfig()
            config.port = UInt16.random(in: 20000...29999)
            config.useIPv4 = ipv4
            config.useIPv6 = ipv6
            let a = try harness.makeHost(), b = try harness.makeHost()
            return (a, b, try MDNSService(host: a.host, reactor: harness.reactor, config: config),
                    try MDNSService(host: b.host, reactor: harness.reactor, config: config))
        }

        @Test func twoHostsDiscoverAndConnect() throws {
            let harness = HostHarness()
            let (a, b, mdnsA, mdnsB) = try Self.pair(harness)
            defer { mdnsA.close(); mdnsB.close() }
            mdnsA.start()
            mdnsB.start()
            try harness.run("a and b connected by mDNS", maxTicks: 400) {
                a.host.isConnected(b.host.peerID) && b.host.isConnected(a.host.peerID)
            }
            #expect(mdnsA.discoveredPeers[b.host.peerID]?.allSatisfy { $0.peerID == b.host.peerID } == true)
            #expect(mdnsA.status == "mDNS: 1 peer")
        }

        /// ff02::fb alone: the queries, the answers (the multicast copies: the querier's address is link-local)
        /// and the goodbye all go over IPv6, and the hosts still dial each other on 127.0.0.1.
        @Test(.enabled(if: UDPSocketTests.ipv6MulticastInterface != nil, "no IPv6 multicast interface on this machine"))
        func twoHostsDiscoverOverIPv6Alone() throws {
            let harness = HostHarness()
            let (a, b, mdnsA, mdnsB) = try Self.pair(harness, ipv4: false)
            defer { mdnsB.close() }
            #expect(mdnsA.socket == nil && mdnsA.socket6 != nil)
            var expired: [PeerID] = []
            mdnsB.onEvent = { if case .expired(let peer) = $0 { expired.append(peer) } }
            mdnsA.start()
            mdnsB.start()
            try harness.run("a and b connected by mDNS over IPv6", maxTicks: 400) {
                a.host.isConnected(b.host.peerID) && b.host.isConnected(a.host.peerID)
            }
            #expect(mdnsB.discoveredPeers[a.host.peerID]?.isEmpty == false)
            mdnsA.close()
            try harness.run("b got a's goodbye over IPv6", maxTicks: 400) { expired.contains(a.host.peerID) }
        }

        /// With both families a peer is found over each; it is reported and dialed once.
        @Test func bothFamiliesFindAPeerOnce() throws {
            let harness = HostHarness()
            let (a, b, mdnsA, mdnsB) = try Self.pair(harness)
            defer { mdnsA.close(); mdnsB.close() }
            var discoveries = 0
            mdnsA.onEvent = { if case .discovered(let peer, _) = $0, peer == b.host.peerID { discoveries += 1 } }
            var connections = 0
            a.host.addObserver { if case .connected(let peer, _) = $0, peer == b.host.peerID { connections += 1 } }
            mdnsA.start()
            mdnsB.start()
            try harness.run("a and b connected by mDNS", maxTicks: 400) {
                a.host.isConnected(b.host.peerID) && b.host.isConnected(a.host.peerID)
            }
            // Answers over the other family (and b's 0.5 s dial delay) come within this; none may add a dial.
            let until = harness.reactor.now + .milliseconds(1500)
            try harness.run("1.5 s more", maxTicks: 1000) { harness.reactor.now >= until }
            #expect(discoveries == 1)
            #expect(connections == 1)
        }

        @Test func goodbyeOnCloseMakesThePeerForgetUs() throws {
            let harness = HostHarness()
            let (a, _, mdnsA, mdnsB) = try Self.pair(harness)
            defer { mdnsB.close() }
            var expired: [PeerID] = []
            mdnsB.onEvent = { if case .expired(let peer) = $0 { expired.append(peer) } }
            mdnsA.start()
            mdnsB.start()
            try harness.run("b discovered a", maxTicks: 400) { mdnsB.discoveredPeers[a.host.peerID] != nil }
            mdnsA.close()
            try harness.run("b got a's goodbye", maxTicks: 400) { expired.contains(a.host.peerID) }
            #expect(mdnsB.discoveredPeers[a.host.peerID] == nil)
        }
    }
}
