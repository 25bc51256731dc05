import Logging

/// Runs the `MDNS` machine on the reactor and dials what it finds:
///
///     UDP 0.0.0.0:5353 (joined to 224.0.0.251 on every multicast interface) ──► MDNS.receive
///     MDNS deadline (queries, expiry)            ──► one reactor timer, re-armed after every input
///     MDNS packets                               ──► multicast out of each interface, or unicast
///     .discovered(peer, addrs)                   ──► host.dial, one address at a time (MDNSDialOrder)
///     host: .disconnected(peer), last dial failed ──► MDNS.forget: the next response dials again
///
/// Interfaces are re-read before each query, so one that appears later (a Docker network, a link
/// brought up) is joined then.
public final class MDNSService {
    /// Datagrams read per readiness, so a flood cannot starve the reactor.
    public static let readBudget = 64

    public private(set) var machine: MDNS
    unowned let host: Host
    let reactor: Reactor
    let socket: UDPSocket
    let port: UInt16
    private var watch: WatchID?
    private var timer: TimerID?
    private var interfaces: [IPv4Interface] = []
    private var joined: Set<[UInt8]> = []
    /// Addresses still to try per peer, and which peer each in-flight dial is for.
    private var pending: [PeerID: [Multiaddr]] = [:]
    private var inFlight: [Multiaddr: PeerID] = [:]
    private let log = Logger(label: "p2p-chat.mdns")
    /// Every machine event, after the service acted on it (for the UI and tests).
    public var onEvent: ((MDNS.Event) -> Void)?

    /// Binds the mDNS socket on `config.port` (5353 except in tests) and joins the group; `start()` begins.
    public init(host: Host, reactor: Reactor, config: MDNSConfig = MDNSConfig()) throws {
        self.host = host
        self.reactor = reactor
        port = config.port
        machine = MDNS(me: host.peerID, config: config, now: reactor.now)
        socket = try UDPSocket.bindMulticast(port: port)
        refreshInterfaces()
    }

    /// Starts listening, sends the first query and begins dialing discovered peers.
    public func start() {
        watch = reactor.watch(socket.fd, .read) { [unowned self] _ in self.readAll() }
        host.addObserver { [weak self] in self?.handle($0) }
        log.info("mDNS as \(machine.peerName) on port \(port), interfaces \(interfaces.map(\.name))")
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
        guard socket.fd >= 0 else { return }
        drive { $0.goodbye() }
        if let watch { reactor.unwatch(watch) }
        if let timer { reactor.cancel(timer) }
        watch = nil
        timer = nil
        socket.close()
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
        guard socket.fd >= 0, let deadline = machine.nextDeadline() else { return }
        timer = reactor.schedule(at: deadline) { [unowned self] in
            self.timer = nil
            self.refreshInterfaces()
            self.drive { $0.tick(now: self.reactor.now) }
        }
    }

    private func readAll() {
        for _ in 0..<Self.readBudget {
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
            dialDiscovered(peerIsLocal: MDNSDialOrder.isLocal(sender, interfaces: interfaces))
        }
    }

    /// Peers reported by the packet being handled, dialed once it is done.
    private var discovered: [(PeerID, [Multiaddr])] = []

    /// A failure on one interface (a link that went down) does not stop the others.
    private func transmit(_ packet: MDNS.Packet) {
        switch packet.destination {
        case .unicast(let address):
            do { try socket.send(packet.bytes, to: address) } catch { log.debug("mDNS send to \(address): \(error)") }
        case .multicast:
            for interface in multicastInterfaces {
                do {
                    try socket.sendMulticast(packet.bytes, group: UDPSocket.mdnsGroup, port: port, via: interface.address)
                } catch {
                    log.debug("mDNS send on \(interface.name): \(error)")
                }
            }
        }
    }

    // MARK: Interfaces

    /// Non-loopback multicast interfaces; loopback alone when there is nothing else.
    private var multicastInterfaces: [IPv4Interface] {
        let usable = interfaces.filter { $0.isMulticast && !$0.isLoopback }
        return usable.isEmpty ? interfaces.filter(\.isLoopback) : usable
    }

    private func refreshInterfaces() {
        interfaces = IPv4Interface.all()
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
                guard let self, self.socket.fd >= 0, !self.host.isConnected(peer), self.pending[peer] != nil else { return }
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
