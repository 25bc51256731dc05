import Logging

/// Runs the `MDNS` machine on the reactor and dials what it finds:
///
///     UDP 0.0.0.0:5353 (joined to 224.0.0.251 on every multicast interface) ─┐
///     UDP [::]:5353 (joined to ff02::fb on every IPv6 multicast interface)  ─┴► MDNS.receive
///     MDNS deadline (queries, expiry)            ──► one reactor timer, re-armed after every input
///     MDNS packets                               ──► multicast out of each interface of both families, or unicast
///     .discovered(peer, addrs)                   ──► host.dial, one address at a time (MDNSDialOrder)
///     host: .disconnected(peer), last dial failed ──► MDNS.forget: the next response dials again
///
/// Interfaces are re-read before each query, so one that appears later (a Docker network, a link
/// brought up) is joined then. Either socket alone is enough: a host without IPv6 runs on IPv4, and
/// the other way round. An IPv6 querier asks from a link-local address, which cannot be reached
/// without its interface index, so unicast answers to one are not sent: a QU querier hears the
/// multicast copy the machine sends with them (at most once per quarter TTL, and it heard the last one).
public final class MDNSService {
    /// Datagrams read per readiness, so a flood cannot starve the reactor.
    public static let readBudget = 64

    public private(set) var machine: MDNS
    unowned let host: Host
    let reactor: Reactor
    /// The IPv4 and IPv6 sockets; nil when that family is off or could not be opened.
    let socket: UDPSocket?, socket6: UDPSocket?
    let port: UInt16
    private var isOpen = true
    private var watches: [WatchID] = []
    private var timer: TimerID?
    private var interfaces: [IPv4Interface] = []
    private var interfaces6: [IPv6Interface] = []
    private var joined: Set<[UInt8]> = []
    private var joined6: Set<UInt32> = []
    /// Addresses still to try per peer, and which peer each in-flight dial is for.
    private var pending: [PeerID: [Multiaddr]] = [:]
    private var inFlight: [Multiaddr: PeerID] = [:]
    private let log = Logger(label: "p2p-chat.mdns")
    /// Every machine event, after the service acted on it (for the UI and tests).
    public var onEvent: ((MDNS.Event) -> Void)?

    /// Binds the mDNS sockets on `config.port` (5353 except in tests) and joins the groups; `start()`
    /// begins. Throws only when no family could be opened (the IPv4 error first).
    public init(host: Host, reactor: Reactor, config: MDNSConfig = MDNSConfig()) throws {
        self.host = host
        self.reactor = reactor
        port = config.port
        machine = MDNS(me: host.peerID, config: config, now: reactor.now)
        var failures: [any Error] = []
        func open(_ enabled: Bool, _ family: String, _ bind: (UInt16) throws -> UDPSocket) -> UDPSocket? {
            guard enabled else { return nil }
            do { return try bind(config.port) } catch {
                failures.append(error)
                Logger(label: "p2p-chat.mdns").info("mDNS over \(family) off: \(error)")
                return nil
            }
        }
        socket = open(config.useIPv4, "IPv4", UDPSocket.bindMulticast(port:))
        socket6 = open(config.useIPv6, "IPv6", UDPSocket.bindMulticastIPv6(port:))
        guard socket != nil || socket6 != nil else { throw failures.first ?? Errno.invalidArgument }
        refreshInterfaces()
    }

    /// Starts listening, sends the first query and begins dialing discovered peers.
    public func start() {
        for udp in [socket, socket6].compactMap({ $0 }) {
            watches.append(reactor.watch(udp.fd, .read) { [unowned self] _ in self.readAll(from: udp) })
        }
        host.addObserver { [weak self] in self?.handle($0) }
        log.info("mDNS as \(machine.peerName) on port \(port), IPv4 \(socket == nil ? "off" : "on \(multicastInterfaces.map(\.name))"), IPv6 \(socket6 == nil ? "off" : "on \(multicastInterfaces6.map(\.name))")")
        drive { $0.tick(now: reactor.now) }
    }

    /// Peers currently known through mDNS.
    public var discoveredPeers: [PeerID: [Multiaddr]] { machine.discoveredPeers }

    /// One line for the status bar and `/peers`: `mDNS: 2 peers`.
    public var status: String {
        let count = machine.discoveredPeers.count
        return "mDNS: \(count) peer\(count == 1 ? "" : "s")"
    }

    /// Says goodbye (TTL 0 records, so peers drop us at once) and closes the socket.
    public func close() {
        guard isOpen else { return }
        drive { $0.goodbye() }
        isOpen = false
        for watch in watches { reactor.unwatch(watch) }
        if let timer { reactor.cancel(timer) }
        watches = []
        timer = nil
        socket?.close()
        socket6?.close()
    }

    // MARK: Machine

    private func drive(_ body: (inout MDNS) -> Void) {
        machine.setAddresses(advertisedAddresses())
        body(&machine)
        while let packet = machine.pollTransmit() { transmit(packet) }
        while let event = machine.pollEvent() { act(on: event) }
        rearm()
    }

    /// Our listen addresses, routable ones before loopback: py-libp2p keeps only the first `dnsaddr`.
    private func advertisedAddresses() -> [Multiaddr] {
        let all = host.listenAddresses
        let loopback = all.filter { MDNSDialOrder.rank($0, interfaces: [], peerIsLocal: true) == 0 }
        return all.filter { !loopback.contains($0) } + loopback
    }

    private func rearm() {
        if let timer { reactor.cancel(timer) }
        timer = nil
        guard isOpen, let deadline = machine.nextDeadline() else { return }
        timer = reactor.schedule(at: deadline) { [unowned self] in
            self.timer = nil
            self.refreshInterfaces()
            self.drive { $0.tick(now: self.reactor.now) }
        }
    }

    private func readAll(from socket: UDPSocket) {
        for _ in 0..<Self.readBudget where isOpen {
            let datagram: (bytes: [UInt8], from: SocketAddress)?
            do { datagram = try socket.receive() } catch {
                log.warning("mDNS receive: \(error)")
                return
            }
            guard let (bytes, sender) = datagram else { return }
            drive { machine in
                do { try machine.receive(bytes, from: sender, now: reactor.now) } catch {
                    log.debug("mDNS packet from \(sender) dropped: \(error)")
                }
            }
            dialDiscovered(peerIsLocal: MDNSDialOrder.isLocal(sender, interfaces: interfaces,
                                                              ipv6Addresses: interfaces6.flatMap(\.addresses)))
        }
    }

    /// Peers reported by the packet being handled, dialed once it is done.
    private var discovered: [(PeerID, [Multiaddr])] = []

    /// A failure on one interface (a link that went down) does not stop the others.
    private func transmit(_ packet: MDNS.Packet) {
        switch packet.destination {
        case .unicast(let address) where address.family == .ipv6 && IPv6Interface.isLinkLocal(address.addressBytes):
            // No interface index to reach it by. A QU querier also gets the machine's multicast copy (or had
            // it within the last quarter TTL); a legacy one, which only hears unicast, goes without.
            log.debug("mDNS answer to link-local \(address) not sent (no interface index)")
        case .unicast(let address):
            guard let udp = address.family == .ipv6 ? socket6 : socket else { return }
            do { try udp.send(packet.bytes, to: address) } catch { log.debug("mDNS send to \(address): \(error)") }
        case .multicast:
            if let socket {
                for interface in multicastInterfaces {
                    do {
                        try socket.sendMulticast(packet.bytes, group: UDPSocket.mdnsGroup, port: port, via: interface.address)
                    } catch {
                        log.debug("mDNS send on \(interface.name): \(error)")
                    }
                }
            }
            multicast6(packet.bytes)
        }
    }

    private func multicast6(_ bytes: [UInt8]) {
        guard let socket6 else { return }
        for interface in multicastInterfaces6 {
            do {
                try socket6.sendMulticast(bytes, ipv6Group: UDPSocket.mdnsGroupIPv6, port: port, interfaceIndex: interface.index)
            } catch {
                log.debug("mDNS send on \(interface.name) (IPv6): \(error)")
            }
        }
    }

    // MARK: Interfaces

    /// Non-loopback multicast interfaces; loopback alone when there is nothing else.
    private var multicastInterfaces: [IPv4Interface] {
        let usable = interfaces.filter { $0.isMulticast && !$0.isLoopback }
        return usable.isEmpty ? interfaces.filter(\.isLoopback) : usable
    }

    /// IPv6 interfaces that can carry multicast (loopback cannot, on Linux).
    private var multicastInterfaces6: [IPv6Interface] {
        interfaces6.filter { $0.isMulticast && !$0.isLoopback }
    }

    private func refreshInterfaces() {
        interfaces = IPv4Interface.all()
        interfaces6 = IPv6Interface.all()
        if let socket {
            for interface in multicastInterfaces where !joined.contains(interface.address) {
                do {
                    try socket.join(UDPSocket.mdnsGroup, on: interface.address)
                    joined.insert(interface.address)
                } catch let error as Errno where error == .addressInUse {
                    joined.insert(interface.address)
                } catch {
                    log.warning("mDNS cannot join 224.0.0.251 on \(interface.name): \(error)")
                }
            }
        }
        if let socket6 {
            for interface in multicastInterfaces6 where !joined6.contains(interface.index) {
                do {
                    try socket6.join(ipv6Group: UDPSocket.mdnsGroupIPv6, interfaceIndex: interface.index)
                    joined6.insert(interface.index)
                } catch let error as Errno where error == .addressInUse {
                    joined6.insert(interface.index)
                } catch {
                    log.warning("mDNS cannot join ff02::fb on \(interface.name): \(error)")
                }
            }
        }
    }

    // MARK: Dialing

    private func act(on event: MDNS.Event) {
        switch event {
        case .discovered(let peer, let addresses):
            log.info("mDNS discovered \(peer) at \(addresses)")
            discovered.append((peer, addresses))
        case .expired(let peer):
            log.info("mDNS records of \(peer) expired")
            pending[peer] = nil
        }
        onEvent?(event)
    }

    /// Both sides discover each other at once; the larger PeerID waits `dialDelay` so that usually
    /// only one connection is made (the host would otherwise keep one of two and drop the other).
    public static let dialDelay: Duration = .milliseconds(500)

    private func dialDiscovered(peerIsLocal: Bool) {
        let batch = discovered
        discovered = []
        for (peer, addresses) in batch where !host.isConnected(peer) {
            pending[peer] = MDNSDialOrder.sorted(addresses, interfaces: interfaces, peerIsLocal: peerIsLocal)
            guard host.peerID > peer else { dialNext(peer); continue }
            reactor.schedule(after: Self.dialDelay) { [weak self] in
                guard let self, self.isOpen, !self.host.isConnected(peer), self.pending[peer] != nil else { return }
                self.dialNext(peer)
            }
        }
    }

    private func dialNext(_ peer: PeerID) {
        guard var addresses = pending[peer], !addresses.isEmpty else {
            pending[peer] = nil
            machine.forget(peer, now: reactor.now)   // its next response tries again
            return
        }
        let address = addresses.removeFirst()
        pending[peer] = addresses
        inFlight[address] = peer
        log.info("mDNS dialing \(peer) at \(address)")
        host.dial(address)
    }

    private func handle(_ event: HostEvent) {
        switch event {
        case .connected(let peer, _):
            pending[peer] = nil
            inFlight = inFlight.filter { $0.value != peer }
        case .disconnected(let peer, _):
            machine.forget(peer, now: reactor.now)
            rearm()
        case .dialFailed(let address, let reason):
            guard let peer = inFlight.removeValue(forKey: address) else { return }
            log.info("mDNS dial \(address) failed: \(reason)")
            dialNext(peer)
            rearm()
        default:
            break
        }
    }
}
