import Logging

/// Where the `NATPMPService` finds its gateway; the defaults are production's.
public struct NATPMPConfig: Sendable {
    /// The gateway's NAT-PMP address; nil: the default route's gateway on port 5351. Tests point it at a
    /// fake router on loopback.
    public var gateway: SocketAddress?
    /// The route table read when `gateway` is nil.
    public var routeTablePath = DefaultGateway.routeTablePath
    public var lifetime = NATPMPClient.requestedLifetime

    public init(gateway: SocketAddress? = nil) { self.gateway = gateway }
}

/// Runs a `NATPMPClient` on the reactor, for the TCP port of our first non-loopback IPv4 listener:
///
///     UDP 0.0.0.0:<any> ◄──► gateway:5351      client datagrams out, responses in (others dropped)
///     client deadline                          one reactor timer, re-armed after every input
///     .mapped(/ip4/<ext>/tcp/<port>)           host.addExternalAddress (not when <ext> is private: a NAT beyond)
///     .lost                                    host.removeExternalAddress
///     .gaveUp(reason)                          logged; the socket is closed
///
/// `close()` (at quit, before the host closes) sends the unmap request once and does not wait for it.
public final class NATPMPService {
    /// Datagrams read per readiness, so a flood cannot starve the reactor.
    public static let readBudget = 16

    public private(set) var client: NATPMPClient
    unowned let host: Host
    let reactor: Reactor
    let socket: UDPSocket
    private var watch: WatchID?
    private var timer: TimerID?
    private let log = Logger(label: "p2p-chat.nat-pmp")
    /// Every client event, after the service acted on it (for tests).
    public var onEvent: ((NATPMPClient.Event) -> Void)?

    /// Opens the socket; `start()` begins. Throws `NATPMPError.noIPv4Listener` when we listen on loopback
    /// (or IPv6) only, `.noDefaultGateway` when there is no gateway to ask, or the socket's `Errno`.
    public init(host: Host, reactor: Reactor, config: NATPMPConfig = NATPMPConfig()) throws {
        guard let port = Self.mappablePort(host.listeners.map(\.address)) else { throw NATPMPError.noIPv4Listener }
        let gateway: SocketAddress
        if let configured = config.gateway {
            gateway = configured
        } else if let address = DefaultGateway.current(path: config.routeTablePath) {
            gateway = .ipv4(address: address, port: NATPMPMessage.serverPort)
        } else {
            throw NATPMPError.noDefaultGateway
        }
        self.host = host
        self.reactor = reactor
        socket = try UDPSocket.bind(.ipv4(address: [0, 0, 0, 0], port: 0))
        client = NATPMPClient(gateway: gateway, internalPort: port, lifetime: config.lifetime)
    }

    /// The TCP port of the first listener on an IPv4 address other than loopback (the wildcard counts).
    static func mappablePort(_ listenAddresses: [Multiaddr]) -> UInt16? {
        for address in listenAddresses {
            guard let endpoint = address.tcpEndpoint, case .ip4(let ip) = endpoint.host, ip[0] != 127 else { continue }
            return endpoint.port
        }
        return nil
    }

    public func start() {
        watch = reactor.watch(socket.fd, .read) { [unowned self] _ in self.readAll() }
        log.info("NAT-PMP: asking \(client.gateway) to map TCP port \(client.internalPort)")
        drive { $0.start(now: reactor.now) }
    }

    /// Deletes the mapping (one send, not waited for) and closes the socket.
    public func close() {
        guard socket.fd >= 0 else { return }
        drive { $0.unmap() }
        shutDown()
    }

    // MARK: Machine

    private func drive(_ body: (inout NATPMPClient) -> Void) {
        body(&client)
        while let datagram = client.pollTransmit() {
            do { try socket.send(datagram, to: client.gateway) } catch { log.debug("NAT-PMP send to \(client.gateway): \(error)") }
        }
        while let event = client.pollEvent() { act(on: event) }
        rearm()
    }

    private func rearm() {
        if let timer { reactor.cancel(timer) }
        timer = nil
        guard socket.fd >= 0, let deadline = client.nextDeadline else { return }
        timer = reactor.schedule(at: deadline) { [unowned self] in
            self.timer = nil
            self.drive { $0.handleTimeout(now: self.reactor.now) }
        }
    }

    private func readAll() {
        for _ in 0..<Self.readBudget where socket.fd >= 0 {
            let datagram: (bytes: [UInt8], from: SocketAddress)?
            do { datagram = try socket.receive() } catch {
                log.debug("NAT-PMP receive: \(error)")
                return
            }
            guard let (bytes, sender) = datagram else { return }
            drive { client in
                do { try client.receive(bytes, from: sender, now: reactor.now) } catch {
                    log.debug("NAT-PMP datagram from \(sender) dropped: \(error)")
                }
            }
        }
    }

    private func act(on event: NATPMPClient.Event) {
        switch event {
        case .mapped(let external) where external.isPrivate || external.isLoopback:
            // The router's own address is private: another NAT (a carrier's, a second router) lies beyond it,
            // and nobody outside can dial this. Kept mapped (harmless), not advertised.
            log.info("NAT-PMP: \(client.gateway) forwards \(external), a private address: another NAT is beyond it, not advertised")
        case .mapped(let external):
            log.info("NAT-PMP: \(client.gateway) forwards \(external) to TCP port \(client.internalPort)")
            lastMapped = external
            host.addExternalAddress(external, source: "mapped by NAT-PMP")
        case .lost:
            log.info("NAT-PMP: mapping \(lastMapped.map { "\($0)" } ?? "") lost")
            if let lastMapped { host.removeExternalAddress(lastMapped) }
            lastMapped = nil
        case .gaveUp(let reason):
            log.info("NAT-PMP off: \(reason)")
            shutDown()
        }
        onEvent?(event)
    }

    /// The address the last `.mapped` added to the host, removed again on `.lost`.
    private var lastMapped: Multiaddr?

    /// One line for the status bar and `/peers` (`NAT-PMP: /ip4/203.0.113.7/tcp/4001`), empty while nothing
    /// is advertised (no router answer yet, none at all, or a private address beyond another NAT).
    public var status: String { lastMapped.map { "NAT-PMP: \($0)" } ?? "" }

    private func shutDown() {
        lastMapped = nil
        if let watch { reactor.unwatch(watch) }
        if let timer { reactor.cancel(timer) }
        watch = nil
        timer = nil
        socket.close()
    }
}
