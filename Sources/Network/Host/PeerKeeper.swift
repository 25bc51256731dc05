/// Keeps chosen peers connected: the `Redialer` schedule driven by host events and one reactor timer.
///
///     keep(peer, addrs) ─► Redialer ─► due rounds ─► host.dial(peer, addresses:)   (staggered, `Host+PeerDial`)
///     .connected / .disconnected / .peerDialFailed ─► Redialer ─► re-armed timer
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
        case .peerDialFailed(let peer, _):
            schedule.dialFailed(peer, now: now)
        case .dialFailed(let address, _):
            // Our round joined someone else's dial to the peer (the host dials a peer once); it failed, and
            // nothing else is on its way: the round is over.
            guard let peer = address.peerID, schedule.isDialing(peer), !host.isConnectedOrDialing(peer) else { return }
            schedule.dialFailed(peer, now: now)
        default: return
        }
        run()
    }

    /// Dials what is due and re-arms the timer for the next deadline.
    private func run() {
        guard !host.isClosed else { return }
        for (peer, addresses) in schedule.poll(now: host.reactor.now) {
            host.dial(peer, addresses: addresses)
            if host.isConnected(peer) { schedule.connected(peer, now: host.reactor.now) }
        }
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
