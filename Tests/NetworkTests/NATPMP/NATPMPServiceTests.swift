import Logging
import Testing
@testable import Network

/// A NAT-PMP "router" on a loopback UDP socket: answers the external address with 203.0.113.7 and maps
/// every TCP request to `externalPort` (a lifetime-0 request is recorded as an unmap).
final class FakeNATPMPRouter {
    static let externalIP: [UInt8] = [203, 0, 113, 7]
    /// The external address it answers (a router behind a carrier's NAT answers a 100.64/10 one).
    var externalIP: [UInt8] = FakeNATPMPRouter.externalIP
    let socket: UDPSocket
    let externalPort: UInt16
    private(set) var requests: [[UInt8]] = []
    private var watch: WatchID?
    let reactor: Reactor

    init(reactor: Reactor, externalPort: UInt16) throws {
        self.reactor = reactor
        self.externalPort = externalPort
        socket = try UDPSocket.bind(.loopbackIPv4(port: 0))
        watch = reactor.watch(socket.fd, .read) { [unowned self] _ in self.answerAll() }
    }

    var address: SocketAddress { socket.localAddress }
    var unmapRequests: [[UInt8]] { requests.filter { $0.count == 12 && $0[8..<12] == [0, 0, 0, 0] } }

    private func answerAll() {
        while let (bytes, sender) = (try? socket.receive()) ?? nil {
            requests.append(bytes)
            let epoch: [UInt8] = [0, 0, 0, 42]
            switch (bytes.count, bytes.first, bytes.dropFirst().first) {
            case (2, 0, 0):
                _ = try? socket.send([0, 128, 0, 0] + epoch + externalIP, to: sender)
            case (12, 0, 2):
                let external: [UInt8] = [UInt8(externalPort >> 8), UInt8(externalPort & 0xff)]
                _ = try? socket.send([0, 130, 0, 0] + epoch + Array(bytes[4..<6]) + external + Array(bytes[8..<12]), to: sender)
            default:
                break
            }
        }
    }

    func close() {
        if let watch { reactor.unwatch(watch) }
        socket.close()
    }
}

/// The service on a real reactor against `FakeNATPMPRouter`, and when it declines to start.
@Suite(.serialized) struct NATPMPServiceTests {
    static func makeHost(_ reactor: Reactor) -> Host {
        var logger = Logger(label: "nat-pmp-test")
        logger.logLevel = .critical
        return Host(identity: .generate(), reactor: reactor, logger: logger)
    }

    @Test func aPrivateExternalAddressIsMappedButNotAdvertised() throws {
        let reactor = Reactor()
        let host = Self.makeHost(reactor)
        defer { host.close() }
        try host.listen(try Multiaddr("/ip4/0.0.0.0/tcp/0"))
        let router = try FakeNATPMPRouter(reactor: reactor, externalPort: 40124)
        router.externalIP = [100, 64, 3, 9]   // carrier-grade NAT beyond the home router
        defer { router.close() }
        let service = try NATPMPService(host: host, reactor: reactor, config: NATPMPConfig(gateway: router.address))
        var mapped: [Multiaddr] = []
        service.onEvent = { if case .mapped(let external) = $0 { mapped.append(external) } }
        service.start()
        try drive(reactor) { !mapped.isEmpty }
        #expect(mapped == [try Multiaddr("/ip4/100.64.3.9/tcp/40124")])
        #expect(host.externalAddresses.isEmpty, "nobody outside could dial it")
        #expect(service.status == "", "nothing advertised, nothing shown")
        service.close()
    }

    @Test func mapsThroughAFakeRouterAndUnmapsAtClose() throws {
        let reactor = Reactor()
        let host = Self.makeHost(reactor)
        defer { host.close() }
        try host.listen(try Multiaddr("/ip4/0.0.0.0/tcp/0"))
        let router = try FakeNATPMPRouter(reactor: reactor, externalPort: 40123)
        defer { router.close() }
        let service = try NATPMPService(host: host, reactor: reactor, config: NATPMPConfig(gateway: router.address))
        let expected = try Multiaddr("/ip4/203.0.113.7/tcp/40123")
        service.start()
        try drive(reactor) { host.externalAddresses.contains(expected) }
        #expect(host.listenAddresses.contains(expected.appending(.p2p(host.peerID))))
        #expect(service.client.mapping == expected)
        #expect(service.status == "NAT-PMP: /ip4/203.0.113.7/tcp/40123")

        service.close()
        #expect(service.status == "")
        #expect(!host.externalAddresses.contains(expected))
        try drive(reactor) { !router.unmapRequests.isEmpty }
        let port = try #require(host.listeners.first?.address.tcpEndpoint?.port)
        #expect(router.unmapRequests == [NATPMPMessage.mapTCPRequest(internalPort: port, suggestedExternalPort: 0, lifetime: 0)])
    }

    @Test func declinesWhenListeningOnLoopbackOnly() throws {
        let reactor = Reactor()
        let host = Self.makeHost(reactor)
        defer { host.close() }
        try host.listen(try Multiaddr("/ip4/127.0.0.1/tcp/0"))
        #expect(throws: NATPMPError.noIPv4Listener) {
            _ = try NATPMPService(host: host, reactor: reactor, config: NATPMPConfig(gateway: .loopbackIPv4(port: 5351)))
        }
    }

    @Test func declinesWithoutADefaultGateway() throws {
        let reactor = Reactor()
        let host = Self.makeHost(reactor)
        defer { host.close() }
        try host.listen(try Multiaddr("/ip4/0.0.0.0/tcp/0"))
        var config = NATPMPConfig()
        config.routeTablePath = "/nonexistent/net/route"
        #expect(throws: NATPMPError.noDefaultGateway) { _ = try NATPMPService(host: host, reactor: reactor, config: config) }
    }

    @Test func mappablePortSkipsLoopbackAndIPv6() throws {
        let addresses = try ["/ip4/127.0.0.1/tcp/1", "/ip6/::/tcp/2", "/ip4/0.0.0.0/tcp/3", "/ip4/10.0.0.2/tcp/4"].map(Multiaddr.init)
        #expect(NATPMPService.mappablePort(addresses) == 3)
        #expect(NATPMPService.mappablePort(Array(addresses.prefix(2))) == nil)
    }

    @Test func removeExternalAddressForgetsOnlyThatOne() throws {
        let reactor = Reactor()
        let host = Self.makeHost(reactor)
        defer { host.close() }
        let first = try Multiaddr("/ip4/203.0.113.7/tcp/4001"), second = try Multiaddr("/ip4/198.51.100.9/tcp/4001")
        host.addExternalAddress(first)
        host.addExternalAddress(second, source: "test")
        host.removeExternalAddress(first.appending(.p2p(host.peerID)))
        #expect(host.externalAddresses == [second])
        host.removeExternalAddress(first)   // unknown: ignored
        #expect(host.externalAddresses == [second])
    }
}
