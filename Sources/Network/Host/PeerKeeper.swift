/// Keeps chosen peers connected: the `Redialer` schedule driven by host events and one reactor timer.
///
///     keep(peer, addrs) ─► Redialer ─► due dials ─► host.dial(addr)
///     .connected / .disconnected / .dialFailed(addr /p2p/peer) ─► Redialer ─► re-armed timer
///
/// Dead connections are found by yamux keep-alive (`YamuxConfig.keepAliveInterval`), which closes them and
/// so produces the `.disconnected` that starts the backoff.
public final class PeerKeeper {
    unowned let host: Host
    public private(set) var schedule: Redialer
    private var timer: (id: TimerID, deadline: Instant)?

    public init(host: Host, policy: Redialer.Policy = Redialer.Policy()) {
        self.host = host
        schedule = Redialer(policy: policy)
        host.addObserver { [weak self] in self?.handle($0) }   // weak: the host may outlive its keeper
    }

    /// Keeps `peer` connected through `addresses` (merged with those already known).
    public func keep(_ peer: PeerID, addresses: [Multiaddr]) {
        guard peer != host.peerID else { return }
        schedule.keep(peer, addresses: addresses, now: host.reactor.now)
        if host.isConnected(peer) { schedule.connected(peer, now: host.reactor.now) }
        run()
    }

    public func forget(_ peer: PeerID) {
        schedule.forget(peer)
        run()
    }

    /// Peers kept but not connected right now.
    public var waiting: [PeerID] { schedule.peers.filter { !host.isConnected($0) } }

    private func handle(_ event: HostEvent) {
        let now = host.reactor.now
        switch event {
        case .connected(let peer, _): schedule.connected(peer, now: now)
        case .disconnected(let peer, _): schedule.disconnected(peer, now: now)
        case .dialFailed(let address, _):
            guard let peer = address.peerID else { return }
            // Another dial to this peer may have won or be in flight: only a peer still unconnected counts.
            if !host.isConnected(peer) { schedule.dialFailed(peer, now: now) }
        default: return
        }
        run()
    }

    /// Dials what is due and re-arms the timer for the next deadline.
    private func run() {
        guard !host.isClosed else { return }
        for address in schedule.poll(now: host.reactor.now) { host.dial(address) }
        let deadline = schedule.nextDeadline()
        if timer?.deadline == deadline { return }
        if let timer { host.reactor.cancel(timer.id) }
        timer = nil
        guard let deadline else { return }
        let id = host.reactor.schedule(at: deadline) { [weak self] in
            self?.timer = nil
            self?.run()
        }
        timer = (id, deadline)
    }
}
