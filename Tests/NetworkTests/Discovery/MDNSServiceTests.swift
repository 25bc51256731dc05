import Testing
@testable import Network

/// `MDNSService` on a real reactor with real UDP multicast: two hosts in one process find and dial each
/// other. A private port (not 5353) keeps other mDNS responders on this machine out of the test.
extension HostTests {
    @Suite("MDNSService") struct MDNSServiceTests {
        /// A private port, the same for both services of a test.
        static func config() -> MDNSConfig {
            var config = MDNSConfig()
            config.port = UInt16.random(in: 20000...29999)
            return config
        }

        @Test func twoHostsDiscoverAndConnect() throws {
            let harness = HostHarness()
            let a = try harness.makeHost(), b = try harness.makeHost()
            let config = Self.config()
            let serviceA = try MDNSService(host: a.host, reactor: harness.reactor, config: config)
            let serviceB = try MDNSService(host: b.host, reactor: harness.reactor, config: config)
            defer { serviceA.close(); serviceB.close() }
            serviceA.start()
            serviceB.start()
            try harness.run("a and b connected by mDNS", maxTicks: 400) {
                a.host.isConnected(b.host.peerID) && b.host.isConnected(a.host.peerID)
            }
            #expect(serviceA.discoveredPeers[b.host.peerID]?.allSatisfy { $0.peerID == b.host.peerID } == true)
            #expect(serviceA.status == "mDNS: 1 peer")
        }

        @Test func goodbyeOnCloseMakesThePeerForgetUs() throws {
            let harness = HostHarness()
            let a = try harness.makeHost(), b = try harness.makeHost()
            let config = Self.config()
            let serviceA = try MDNSService(host: a.host, reactor: harness.reactor, config: config)
            let serviceB = try MDNSService(host: b.host, reactor: harness.reactor, config: config)
            defer { serviceB.close() }
            var expired: [PeerID] = []
            serviceB.onEvent = { if case .expired(let peer) = $0 { expired.append(peer) } }
            serviceA.start()
            serviceB.start()
            try harness.run("b discovered a", maxTicks: 400) { serviceB.discoveredPeers[a.host.peerID] != nil }
            serviceA.close()
            try harness.run("b got a's goodbye", maxTicks: 400) { expired.contains(a.host.peerID) }
            #expect(serviceB.discoveredPeers[a.host.peerID] == nil)
        }
    }
}
