import Testing
@testable import Network

/// `MDNSService` on a real reactor with real UDP multicast: two hosts in one process find and dial each
/// other. A private port (not 5353) keeps other mDNS responders on this machine out of the test.
extension HostTests {
    @Suite("MDNSService") struct MDNSServiceTests {
        /// Two listening hosts, each with an mDNS service on the same private port (not started yet).
        static func pair(_ harness: HostHarness) throws -> (a: TestHost, b: TestHost, mdnsA: MDNSService, mdnsB: MDNSService) {
            var config = MDNSConfig()
            config.port = UInt16.random(in: 20000...29999)
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
