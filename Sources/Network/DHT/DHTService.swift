/// Connects a sans-IO `Kademlia` node to the host's streams:
///
///     bootstrap(addresses)                  ──► a PeerKeeper keeps them connected while the routing table is
///                                               low (a failed dial is retried with backoff, a restarted bootstrap
///                                               node is found again); a healthy table lets them go, as go does
///     identify lists /ipfs/kad/1.0.0        ──► node.addPeer (only DHT servers enter the routing table); the first
///                                               identify on a new bootstrap connection starts a self lookup
///     node .request / .send                 ──► connected? open a kad stream : dial the peer's addresses in turn,
///                                               then open it on `.connected` (every address failed: request failed)
///     one stream per request                ──► write the request; the first reply frame goes to the node
///     inbound kad stream (server mode only) ──► requests answered in order on the same stream
///     node deadline                         ──► one reactor timer, re-armed after every drain
///
/// A client does not register the protocol, so identify does not advertise it and multistream refuses inbound
/// kad streams.
public final class DHTService {
    public let node: Kademlia
    unowned let host: Host
    var timer: (id: TimerID, deadline: Instant)?
    /// Requests (nil id: fire-and-forget) waiting for a connection to their peer.
    var waiting: [PeerID: [(id: Kademlia.RequestID?, message: KadMessage)]] = [:]
    /// Peers being dialed (`Host.dial(_:addresses:)`), on which addresses, and when the dial started.
    var dialing: [PeerID: (addresses: [Multiaddr], started: Instant)] = [:]
    /// A dial we started and never heard of again (the host merged it with another dial to the peer that ended
    /// without naming it) stops blocking new dials after this long.
    static let staleDial: Duration = .seconds(30)
    var streams: [Kademlia.RequestID: HostStream] = [:]
    var providerHandlers: [Kademlia.QueryID: (KadPeer) -> Void] = [:]
    var completions: [Kademlia.QueryID: (Kademlia.QueryResult) -> Void] = [:]
    /// Peers given to `bootstrap` and where, kept connected by `bootstrapKeeper` while the table is low.
    var bootstrapAddresses: [PeerID: Multiaddr] = [:]
    /// Below this many routing-table peers, bootstrap peers are kept connected; at or above it they are left
    /// alone like any peer, so a public bootstrap node that trims idle connections is not redialed at once
    /// (go-libp2p-kad-dht's minRTRefreshThreshold).
    public static let lowTableSize = 10
    /// Bootstrap peers connected since their last identify: the next identify starts a self lookup.
    var lookupOnIdentify: Set<PeerID> = []
    /// The self lookup running, if any (one at a time, however many bootstrap peers connect).
    var selfLookup: Kademlia.QueryID?
    /// Redials bootstrap peers: a node that is not up yet, a dial lost on a busy host, a restart.
    lazy var bootstrapKeeper = PeerKeeper(host: host, policy: Self.bootstrapRedial)
    /// 1 s, 2 s, 4 s … capped at a minute, for as long as we run: a bootstrap node is how the DHT is reached at all.
    static var bootstrapRedial: Redialer.Policy {
        var policy = Redialer.Policy()
        policy.maxDelay = .seconds(60)
        policy.maxUnreachedRounds = .max
        return policy
    }
    /// Called when a bootstrap self lookup has finished: the table is as full as it gets for now.
    public var onBootstrapped: (() -> Void)?

    public init(host: Host, node: Kademlia) {
        self.host = host
        self.node = node
        if node.mode == .server {
            host.setStreamHandler(KadMessage.protocolID) { [unowned self] _ in KadServerStream(service: self) }
        }
        host.addObserver { [unowned self] in self.handle($0) }
    }

    /// The reactor's time for this tick.
    public var now: Instant { host.reactor.now }

    /// Serves the DHT or only uses it from now on (the app follows AutoNAT's verdict, as go-libp2p's
    /// ModeAuto does): the kad handler comes or goes, and connected peers hear of it by an identify push, so
    /// they add us to their tables, or stop handing out addresses of ours nobody can dial.
    public func setMode(_ mode: Kademlia.Mode) {
        guard mode != node.mode else { return }
        node.mode = mode
        if mode == .server {
            host.setStreamHandler(KadMessage.protocolID) { [unowned self] _ in KadServerStream(service: self) }
        } else {
            host.removeStreamHandler(KadMessage.protocolID)
        }
        host.log.info("DHT mode: \(mode)")
        host.pushIdentify()
    }

    /// A node counts as reachable (and so serves the DHT by default) when it listens on an address other peers
    /// can dial: any non-loopback address, private LAN addresses included. Loopback-only nodes are clients.
    public static func defaultMode(listenAddresses: [Multiaddr]) -> Kademlia.Mode {
        listenAddresses.contains { $0.tcpEndpoint != nil && !$0.isLoopback } ? .server : .client
    }

    // MARK: Application calls

    /// Keeps the bootstrap peers connected; each one that turns out to serve the DHT seeds the table, and each
    /// new connection to one starts a self lookup.
    public func bootstrap(_ addresses: [Multiaddr]) {
        for address in addresses {
            guard let peer = address.peerID, peer != host.peerID else {
                host.log.info("bootstrap address \(address) has no /p2p/<id> or is ours; skipped")
                continue
            }
            let plain = address.removingPeerID()
            bootstrapAddresses[peer] = plain
            if let info = host.identified[peer] {
                lookupOnIdentify.insert(peer)
                identified(peer, info)
            }
            bootstrapKeeper.keep(peer, addresses: [plain])
        }
    }

    /// Dials a peer on all its addresses, staggered, until one connects (`Host.dial(_:addresses:)`): a
    /// DHT peer often lists addresses of networks we are not on.
    public func connect(_ peer: KadPeer) {
        guard peer.id != host.peerID, !host.isConnected(peer.id) else { return }
        if let dial = dialing[peer.id], now - dial.started < Self.staleDial { return }
        let addrs = Multiaddr.tcpDialOrder(peer.addrs)
        guard !addrs.isEmpty else { dialFailedAll(peer.id); return }
        dialing[peer.id] = (addrs, now)
        host.dial(peer.id, addresses: addrs)
    }

    @discardableResult
    public func findNode(_ key: [UInt8], completion: ((Kademlia.QueryResult) -> Void)? = nil) -> Kademlia.QueryID {
        let id = node.findNode(key, now: now)
        return register(id, completion: completion)
    }

    @discardableResult
    public func findProviders(_ key: [UInt8], limit: Int = 100, onProvider: ((KadPeer) -> Void)? = nil,
                              completion: ((Kademlia.QueryResult) -> Void)? = nil) -> Kademlia.QueryID {
        let id = node.nextQueryID
        providerHandlers[id] = onProvider
        let started = node.findProviders(key, limit: limit, now: now)
        return register(started, completion: completion)
    }

    @discardableResult
    public func provide(_ key: [UInt8], completion: ((Kademlia.QueryResult) -> Void)? = nil) -> Kademlia.QueryID {
        node.localAddresses = host.listenAddresses.map { $0.removingPeerID() }
        return register(node.provide(key, now: now), completion: completion)
    }

    private func register(_ id: Kademlia.QueryID, completion: ((Kademlia.QueryResult) -> Void)?) -> Kademlia.QueryID {
        completions[id] = completion
        drain()
        return id
    }

    /// `DHT: 12 peers, 1 lookup` for the status line.
    public var status: String {
        let lookups = node.runningQueries
        return "DHT\(node.mode == .server ? " server" : ""): \(node.table.count) peers, \(lookups) lookup\(lookups == 1 ? "" : "s")"
    }

    // MARK: Host events

    private func handle(_ event: HostEvent) {
        switch event {
        case .identified(let peer, let info):
            identified(peer, info)
        case .connected(let peer, _):
            if bootstrapAddresses[peer] != nil { lookupOnIdentify.insert(peer) }
            dialing[peer] = nil
            for request in waiting.removeValue(forKey: peer) ?? [] { open(request.id, request.message, to: peer) }
            drain()
        case .peerDialFailed(let peer, _):
            guard dialing[peer] != nil else { return }
            dialFailedAll(peer)
            drain()
        case .dialFailed(let address, _):
            // Someone else's single dial to the peer was running when we asked (the host merged ours into
            // it); now that it failed, our addresses get their turn.
            guard let peer = address.peerID, let dial = dialing[peer], !host.isConnectedOrDialing(peer) else { return }
            host.dial(peer, addresses: dial.addresses)
        case .disconnected(let peer, _):
            dialFailedAll(peer)
            drain()
        default:
            break
        }
    }

    private func identified(_ peer: PeerID, _ info: IdentifyInfo) {
        guard info.protocols.contains(KadMessage.protocolID) else {
            if bootstrapAddresses.removeValue(forKey: peer) != nil {
                host.log.warning("bootstrap peer \(peer) does not serve the DHT")
                bootstrapKeeper.forget(peer)
            }
            return
        }
        node.addPeer(peer, addrs: info.listenAddrs.filter { $0.tcpEndpoint != nil }, now: now)
        if lookupOnIdentify.remove(peer) != nil, selfLookup == nil {
            let id = node.bootstrap(now: now)
            selfLookup = id
            completions[id] = { [weak self] _ in
                self?.selfLookup = nil
                self?.onBootstrapped?()
            }
        }
        drain()
    }

    private func dialFailedAll(_ peer: PeerID) {
        dialing[peer] = nil
        for request in waiting.removeValue(forKey: peer) ?? [] {
            if let id = request.id { node.requestFailed(id, now: now) }
        }
    }

    // MARK: Node commands

    func drain() {
        while let command = node.pollCommand() {
            switch command {
            case .request(let id, let peer, let message):
                send(id, message, to: peer)
            case .send(let peer, let message):
                send(nil, message, to: peer)
            case .cancel(let id):
                streams.removeValue(forKey: id)?.reset()
                for (peer, list) in waiting { waiting[peer] = list.filter { $0.id != id } }
            case .providerFound(let query, let peer):
                providerHandlers[query]?(peer)
            case .finished(let query, let result):
                providerHandlers[query] = nil
                completions.removeValue(forKey: query)?(result)
            }
        }
        keepBootstrapPeersWhileTableIsLow()
        rearm()
    }

    /// Keeps the bootstrap peers connected while the table has fewer than `lowTableSize` peers; lets them go
    /// (their connections stay, nothing redials them) once it has more.
    func keepBootstrapPeersWhileTableIsLow() {
        let low = node.table.count < Self.lowTableSize
        for (peer, address) in bootstrapAddresses where bootstrapKeeper.schedule.isKept(peer) != low {
            if low { bootstrapKeeper.keep(peer, addresses: [address]) } else { bootstrapKeeper.forget(peer) }
        }
    }

    private func send(_ id: Kademlia.RequestID?, _ message: KadMessage, to peer: KadPeer) {
        if host.isConnected(peer.id) { open(id, message, to: peer.id); return }
        waiting[peer.id, default: []].append((id, message))
        connect(peer)
    }

    private func open(_ id: Kademlia.RequestID?, _ message: KadMessage, to peer: PeerID) {
        let handler = KadRequestStream(service: self, id: id, request: message)
        do {
            let stream = try host.newStream(to: peer, protocols: [KadMessage.protocolID], handler: handler)
            if let id { streams[id] = stream }
        } catch {
            if let id { node.requestFailed(id, now: now) }
        }
    }

    func responded(_ id: Kademlia.RequestID, _ message: KadMessage) {
        streams[id] = nil
        node.handleResponse(id, message, now: now)
        drain()
    }

    func requestFailed(_ id: Kademlia.RequestID, _ error: Error?) {
        guard streams.removeValue(forKey: id) != nil else { return }
        host.log.debug("kad request \(id) failed: \(error.map { "\($0)" } ?? "closed without a reply")")
        node.requestFailed(id, now: now)
        drain()
    }

    func answer(_ request: KadMessage, from peer: PeerID) throws -> KadMessage? {
        defer { drain() }
        return try node.handleRequest(request, from: peer, now: now)
    }

    private func rearm() {
        guard let deadline = node.nextDeadline() else { return }
        if let current = timer, current.deadline <= deadline { return }
        if let current = timer { host.reactor.cancel(current.id) }
        let id = host.reactor.schedule(at: deadline) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.node.handleTimeout(now: self.host.reactor.now)
            self.drain()
        }
        timer = (id, deadline)
    }
}
