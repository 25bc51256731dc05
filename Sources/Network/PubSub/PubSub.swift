/// The pubsub engine, sans-IO: peers, topics, subscriptions, the validation pipeline and the seen-cache.
/// A `PubSubRouter` (FloodSub or GossipSub) decides where messages go. Inputs are method calls with `now`;
/// outputs are `PubSubCommand`s taken with `pollCommand()`.
///
/// The Host owns streams: one long-lived outbound stream per peer (call `addPeer` once it negotiated one of
/// `protocols`; every `.send` frame goes there), and every inbound pubsub stream's bytes go to `receive`.
public final class PubSub {
    public let localPeer: PeerID
    public let config: PubSubConfig
    /// The seqno our next publish will carry; persist it so seqnos stay monotonic across restarts.
    public private(set) var nextSeqno: UInt64
    /// App-level validation of every message before delivery and forwarding (ours included).
    public var validator: ((InboundMessage) -> ValidationResult)?
    /// The signed peer record (envelope bytes) a peer gave us, passed along when we offer it in PX.
    public var peerRecords: ((PeerID) -> [UInt8]?)?
    /// Dropped / invalid input, by cause.
    public internal(set) var counters = PubSubCounters()

    let identity: PrivateKey
    /// Signs our messages; its next nonce is prepared between publishes (`prepareSigning`).
    let signer: PreparedSigner
    let router: PubSubRouter
    /// Our subscriptions.
    var subscriptions: Set<String> = []
    var peerStates: [PeerID: PeerState] = [:]
    var topicPeers: [String: Set<PeerID>] = [:]
    var seen: TimeCache<MessageID>
    var authorKeys = AuthorKeyCache()
    /// Budgets for signatures that are not Ed25519: per relaying peer, and in all (key 0).
    var slowVerifiesByPeer: RateLimiter<PeerID>
    var slowVerifies: RateLimiter<Int>
    var lastSweep: Instant
    var commands: [PubSubCommand] = []
    var commandHead = 0
    var outboxes: [PeerID: OutgoingRPC] = [:]
    var dirtyPeers: [PeerID] = []
    /// Our own messages published with `lingerFor`, by topic (one each: a newer one replaces it).
    var lingering: [String: LingeringMessage] = [:]

    /// How often the seen-cache is swept (entries also expire lazily on lookup).
    static let sweepInterval: Duration = .seconds(1)

    public init(identity: PrivateKey, config: PubSubConfig = .init(), seqnoStart: UInt64, now: Instant) {
        self.identity = identity
        self.signer = PreparedSigner(identity)
        self.localPeer = identity.peerID
        self.config = config
        self.nextSeqno = seqnoStart
        self.seen = TimeCache(ttl: config.seenTTL)
        self.slowVerifiesByPeer = RateLimiter(rate: config.slowVerifyRatePerPeer, burst: config.slowVerifyBurstPerPeer)
        self.slowVerifies = RateLimiter(rate: config.slowVerifyRate, burst: config.slowVerifyBurst)
        self.lastSweep = now
        var rng = SplitMix64(seed: config.randomSeed ?? UInt64.random(in: 0...UInt64.max))
        switch config.router {
        case .floodsub: router = FloodSubRouter()
        case .gossipsub(let params): router = GossipSubRouter(params: params, rng: rng.fork())
        }
        router.attach(self, now: now)
        signer.prepare()
    }

    /// Protocol IDs to advertise and propose, preferred first.
    public var protocols: [String] { router.protocols }

    // MARK: peers

    /// Our outbound stream to `peer` negotiated `protocol`: queue the hello RPC with all our subscriptions.
    public func addPeer(_ peer: PeerID, protocol proto: String, now: Instant) {
        let state = peerState(peer)
        guard state.protocolID == nil else { return }
        state.protocolID = proto
        if !subscriptions.isEmpty {
            update(peer) { $0.subscriptions += self.subscriptions.sorted().map { (true, $0) } }
        }
        router.addPeer(peer, protocol: proto, now: now)
        for topic in state.topics.sorted() { peerSubscribed(peer, to: topic, now: now) }
    }

    /// `peer` (with our outbound stream up) subscribes to `topic`: the router learns it, and the peer gets the
    /// topic's lingering message, if one is still in its window.
    func peerSubscribed(_ peer: PeerID, to topic: String, now: Instant) {
        router.peerSubscribed(peer, to: topic, now: now)
        guard let message = lingering[topic] else { return }
        if now < message.until {
            send(message: message.raw, to: peer)
            counters.lingeringSent += 1
        } else {
            lingering[topic] = nil
        }
    }

    /// The connection is gone, or a pubsub stream hit EOF/reset: forget the peer.
    public func removePeer(_ peer: PeerID, now: Instant) {
        guard let state = peerStates.removeValue(forKey: peer) else { return }
        for topic in state.topics {
            topicPeers[topic]?.remove(peer)
            if topicPeers[topic]?.isEmpty == true { topicPeers[topic] = nil }
        }
        outboxes[peer] = nil
        if state.protocolID != nil { router.removePeer(peer, now: now) }
    }

    func peerState(_ peer: PeerID) -> PeerState {
        if let s = peerStates[peer] { return s }
        let s = PeerState(maxRPCSize: config.maxRPCSize)
        peerStates[peer] = s
        return s
    }

    // MARK: topics

    public func subscribe(_ topic: String, now: Instant) {
        guard subscriptions.insert(topic).inserted else { return }
        announce(topic, subscribe: true)
        router.join(topic, now: now)
    }

    public func unsubscribe(_ topic: String, now: Instant) {
        guard subscriptions.remove(topic) != nil else { return }
        lingering[topic] = nil
        announce(topic, subscribe: false)
        router.leave(topic, now: now)
    }

    private func announce(_ topic: String, subscribe: Bool) {
        for (peer, state) in peerStates where state.protocolID != nil {
            update(peer) { $0.subscriptions.append((subscribe, topic)) }
        }
    }

    // MARK: publishing

    /// Signs (StrictSign), validates, delivers locally once if we're subscribed, and sends to peers.
    ///
    /// With `lingerFor`, the message also lingers in the topic for that long (at most half the seen-cache TTL):
    /// each peer whose subscription to the topic arrives meanwhile is sent this same message (same bytes, same
    /// ID), so a peer that meets us just after we published still gets it — a chat `join` sent while no one
    /// was connected yet. Peers that already have it drop the copy as seen: the window stays well inside their
    /// seen-cache (2 min in go, py and here), so no copy can outlive the ID that marks it a duplicate.
    /// One lingering message per topic (a newer one replaces it); unsubscribing drops it.
    @discardableResult
    public func publish(topic: String, data: [UInt8], now: Instant, lingerFor: Duration? = nil) throws -> MessageID {
        guard data.count <= config.maxMessageSize else {
            throw PubSubError.messageTooLarge(size: data.count, limit: config.maxMessageSize)
        }
        let seqno = nextSeqno
        nextSeqno &+= 1
        let raw = StrictSign.encode(from: localPeer, data: data, seqno: seqno, topic: topic, signer: signer)
        let id = MessageID(bytes: localPeer.bytes + StrictSign.seqnoBytes(seqno))
        let message = InboundMessage(id: id, topic: topic, from: localPeer, data: data, seqno: seqno, receivedFrom: nil)
        if let validator {
            let verdict = validator(message)
            guard verdict == .accept else { throw PubSubError.rejectedByValidator(verdict) }
        }
        seen.insert(id, now: now)
        if subscriptions.contains(topic) {
            counters.delivered += 1
            commands.append(.deliver(message))
        }
        router.route(RoutedMessage(id: id, topic: topic, raw: raw, author: localPeer, source: nil), now: now)
        if let lingerFor, subscriptions.contains(topic) {
            lingering[topic] = LingeringMessage(raw: raw, until: now + min(lingerFor, config.seenTTL / 2))
        }
        return id
    }

    /// Prepares the next publish's signature nonce, so `publish` signs without the scalar multiplication.
    /// Call it when nothing waits (the host does, shortly after each publish); `publish` copes without.
    public func prepareSigning() { signer.prepare() }

    /// Whether the next publish has its nonce ready.
    public var signingPrepared: Bool { signer.isPrepared }

    // MARK: time and output

    public func nextDeadline() -> Instant? {
        let sweep = seen.count > 0 ? lastSweep + Self.sweepInterval : nil
        switch (router.nextDeadline(), sweep) {
        case let (r?, s?): return min(r, s)
        case let (r, s): return r ?? s
        }
    }

    public func handleTimeout(now: Instant) {
        if now >= lastSweep + Self.sweepInterval {
            seen.sweep(now: now)
            lingering = lingering.filter { now < $0.value.until }
            lastSweep = now
        }
        router.handleTimeout(now: now)
    }

    /// The next command; batched per-peer output is framed lazily here.
    public func pollCommand() -> PubSubCommand? {
        if commandHead == commands.count { flushOutboxes() }
        guard commandHead < commands.count else {
            if commandHead > 0 { commands.removeAll(keepingCapacity: true); commandHead = 0 }
            return nil
        }
        let command = commands[commandHead]
        commandHead += 1
        return command
    }

    private func flushOutboxes() {
        commands.removeAll(keepingCapacity: true)
        commandHead = 0
        for peer in dirtyPeers {
            guard let rpc = outboxes.removeValue(forKey: peer), !rpc.isEmpty else { continue }
            for frame in rpc.frames(maxSize: config.maxRPCSize) { commands.append(.send(peer, frame)) }
        }
        dirtyPeers.removeAll(keepingCapacity: true)
    }

    func update(_ peer: PeerID, _ body: (inout OutgoingRPC) -> Void) {
        guard peerStates[peer]?.protocolID != nil else { return }
        if outboxes[peer] == nil { dirtyPeers.append(peer) }
        body(&outboxes[peer, default: OutgoingRPC()])
    }

    // MARK: introspection

    /// Our subscriptions.
    public var topics: [String] { subscriptions.sorted() }
    /// Topics `peer` told us it subscribes to.
    public func topics(of peer: PeerID) -> [String] { peerStates[peer]?.topics.sorted() ?? [] }
    /// Peers subscribed to `topic`.
    public func peers(subscribedTo topic: String) -> [PeerID] { (topicPeers[topic] ?? []).sorted() }
    /// Peers we have an outbound stream to.
    public var connectedPeers: [PeerID] { peerStates.filter { $0.value.protocolID != nil }.keys.sorted() }
    /// The protocol our outbound stream to `peer` negotiated.
    public func protocolOf(_ peer: PeerID) -> String? { peerStates[peer]?.protocolID }
    /// GossipSub mesh peers for `topic` (empty under FloodSub).
    public func mesh(_ topic: String) -> [PeerID] { router.mesh(topic).sorted() }
    public func score(_ peer: PeerID) -> Double { router.score(peer) }
}

/// One of our messages still offered to peers that subscribe to its topic (`publish(…, lingerFor:)`).
struct LingeringMessage {
    var raw: [UInt8]
    var until: Instant
}

/// Per-peer engine state: the inbound RPC decoder and the peer's subscriptions.
final class PeerState {
    var decoder: LengthPrefixedDecoder
    /// Bytes of an oversize RPC still to discard.
    var skipping: UInt64 = 0
    /// Framing was lost (bad length prefix); ignore the stream's bytes until the peer is removed.
    var desynced = false
    var topics: Set<String> = []
    /// Set once our outbound stream is up (`addPeer`).
    var protocolID: String?

    init(maxRPCSize: Int) { decoder = LengthPrefixedDecoder(maxFrameLength: maxRPCSize) }
}

/// A small seeded generator for reproducible peer selection.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func fork() -> SplitMix64 { SplitMix64(seed: next()) }
}

extension PubSub {
    /// Lowers `peer`'s score as for a behaviour violation (e.g. the app caught it rate-limit spamming).
    public func penalize(_ peer: PeerID) { router.penalize(peer, .misbehaviour) }
}
