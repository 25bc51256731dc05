/// Connects a sans-IO `PubSub` engine to the host's streams:
///
///     identify lists /meshsub/* or /floodsub/*  ──► open ONE long-lived outbound stream (write only)
///                                                   └─ negotiated: engine.addPeer → hello RPC
///     inbound pubsub stream (any number)       ──► every byte to engine.receive(from: peer)
///     engine commands                          ──► .send: write on the peer's outbound stream
///                                                  .deliver: onMessage    .disconnect: host.disconnect
///                                                  .connect (PX): dial the addresses of a verified record
///     engine deadline (heartbeat)              ──► one reactor timer, re-armed after every drain
///
/// The outbound stream is never half-closed; its end (or the connection's) removes the peer.
public final class PubSubService {
    public let engine: PubSub
    unowned let host: Host
    var outbound: [PeerID: HostStream] = [:]
    var opening: Set<PeerID> = []
    var timer: (id: TimerID, deadline: Instant)?
    /// Peers offered in PX being dialed (`PubSubService+PX`).
    var pxDials: Set<PeerID> = []
    /// Validated messages, each delivered once (our own publishes included).
    public var onMessage: ((InboundMessage) -> Void)?

    public init(host: Host, engine: PubSub) {
        self.host = host
        self.engine = engine
        for proto in engine.protocols {
            host.setStreamHandler(proto) { [unowned self] _ in InboundPubSubStream(service: self) }
        }
        host.addObserver { [unowned self] in self.handle($0) }
        engine.peerRecords = { [unowned host] in host.peerRecord(of: $0)?.envelope }
    }

    /// The reactor's time for this tick.
    public var now: Instant { host.reactor.now }

    // MARK: Application calls

    public func subscribe(_ topic: String) {
        engine.subscribe(topic, now: now)
        drain()
    }

    public func unsubscribe(_ topic: String) {
        engine.unsubscribe(topic, now: now)
        drain()
    }

    /// Publishes now; see `PubSub.publish` for `lingerFor`.
    @discardableResult
    public func publish(topic: String, data: [UInt8], lingerFor: Duration? = nil) throws -> MessageID {
        let id = try engine.publish(topic: topic, data: data, now: now, lingerFor: lingerFor)
        drain()
        prepareSigningSoon()
        return id
    }

    /// How long after a publish the next signature's nonce is prepared: after the frame is on the wire and
    /// the peers woken, so their work on it does not wait for ours (`PreparedSigner`).
    static let signingPreparationDelay: Duration = .milliseconds(2)
    private var signingTimer: TimerID?

    private func prepareSigningSoon() {
        guard signingTimer == nil, !engine.signingPrepared else { return }
        signingTimer = host.reactor.schedule(after: Self.signingPreparationDelay) { [weak self] in
            self?.signingTimer = nil
            self?.engine.prepareSigning()
        }
    }

    /// Peers with an open pubsub stream.
    public var peers: [PeerID] { outbound.keys.sorted() }

    // MARK: Host events

    private func handle(_ event: HostEvent) {
        switch event {
        case .identified(let peer, let info):
            if info.protocols.contains(where: engine.protocols.contains) { openOutbound(to: peer) }
        case .connected(let peer, _), .peerDialFailed(let peer, _):
            pxDials.remove(peer)
        case .disconnected(let peer, _):
            opening.remove(peer)
            if outbound.removeValue(forKey: peer) != nil {
                engine.removePeer(peer, now: now)
                drain()
            }
        default:
            break
        }
    }

    /// Opens our stream to `peer`, unless one is open on its current connection. One on a retired duplicate
    /// connection is replaced (`outboundOpened`) without the engine forgetting the peer.
    func openOutbound(to peer: PeerID) {
        guard !opening.contains(peer), host.isConnected(peer) else { return }
        if let current = outbound[peer], current.connection?.isRetired != true { return }
        opening.insert(peer)
        do {
            try host.newStream(to: peer, protocols: engine.protocols, handler: OutboundPubSubStream(service: self))
        } catch {
            opening.remove(peer)
            host.log.info("cannot open pubsub stream to \(peer): \(error)")
        }
    }

    func outboundOpened(_ stream: HostStream) {
        opening.remove(stream.peer)
        guard let proto = stream.protocolID else { return }
        if let old = outbound[stream.peer], old !== stream {   // moved off a retired duplicate connection
            outbound[stream.peer] = stream
            old.reset()
            return
        }
        outbound[stream.peer] = stream
        engine.addPeer(stream.peer, protocol: proto, now: now)
        drain()
    }

    func outboundClosed(_ stream: HostStream, error: HostError?) {
        opening.remove(stream.peer)
        guard outbound[stream.peer] === stream else { return }
        outbound.removeValue(forKey: stream.peer)
        engine.removePeer(stream.peer, now: now)
        drain()
        // Its connection was a duplicate, retired while the kept one carries on: open the stream again there.
        if case .duplicateConnection? = error { openOutbound(to: stream.peer) }
    }

    func received(_ bytes: [UInt8], from peer: PeerID) {
        engine.receive(bytes, from: peer, now: now)
        drain()
        openOutbound(to: peer)   // a peer that talks pubsub to us gets our stream even before identify
    }

    // MARK: Engine commands and timer

    /// Carries out the engine's commands. Frames go to the network before messages go to the application,
    /// so a relay forwards before it spends time showing or storing (every hop is faster).
    func drain() {
        var deliveries: [InboundMessage] = []
        while let command = engine.pollCommand() {
            switch command {
            case .send(let peer, let frame):
                outbound[peer]?.write(frame)
            case .deliver(let message):
                deliveries.append(message)
            case .disconnect(let peer, let reason):
                host.log.info("pubsub disconnects \(peer): \(reason)")
                host.disconnect(peer)
            case .connect(let peer, let record):
                connectOffered(peer, record: record)
            }
        }
        for message in deliveries { onMessage?(message) }
        rearm()
    }

    private func rearm() {
        guard let deadline = engine.nextDeadline() else { return }
        if let current = timer, current.deadline <= deadline { return }
        if let current = timer { host.reactor.cancel(current.id) }
        let id = host.reactor.schedule(at: deadline) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.engine.handleTimeout(now: self.host.reactor.now)
            self.drain()
        }
        timer = (id, deadline)
    }
}

/// Our write-only stream to a peer.
final class OutboundPubSubStream: StreamHandler {
    unowned let service: PubSubService
    init(service: PubSubService) { self.service = service }

    func streamOpened(_ stream: HostStream) { service.outboundOpened(stream) }
    func streamRemoteClosed(_ stream: HostStream) { stream.reset() }
    func streamClosed(_ stream: HostStream, error: HostError?) { service.outboundClosed(stream, error: error) }
}

/// A peer's stream to us: read only.
final class InboundPubSubStream: StreamHandler {
    unowned let service: PubSubService
    init(service: PubSubService) { self.service = service }

    func stream(_ stream: HostStream, received bytes: [UInt8]) { service.received(bytes, from: stream.peer) }
    func streamRemoteClosed(_ stream: HostStream) { stream.closeWrite() }
}
