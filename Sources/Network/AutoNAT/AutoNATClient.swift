/// The AutoNAT v1 client: are we reachable from outside? Peers that serve `/libp2p/autonat/1.0.0` (kubo and
/// go-libp2p nodes do, p2p-chat too) are asked to dial us back; their verdicts decide:
///
///     after bootDelay, then each round: ask up to `confirmations` connected servers not asked lately
///     (a server that identifies while we are still unsure is asked at once)
///         OK            ──► a vote for reachable        E_DIAL_ERROR ──► a vote for unreachable
///         refused, bad request, timeout, stream lost ──► no vote
///     the latest vote of each of the last `window` servers: `confirmations` votes one way, and more than the
///     other way, set `reachability`; anything less leaves it as it was
///     next round: `retryInterval` while unknown, `refreshInterval` once known
///
/// `onChange` reports a new reachability (the app shows it and picks the DHT mode by it).
public final class AutoNATClient {
    public enum Reachability: String, Sendable { case unknown, reachable, unreachable }

    public struct Config: Sendable {
        public var bootDelay: Duration = .seconds(15)
        public var retryInterval: Duration = .seconds(90)
        public var refreshInterval: Duration = .seconds(15 * 60)
        public var requestTimeout: Duration = .seconds(30)
        /// Agreeing servers needed to decide (the spec: "more than three" in go's wording is 3 to 4; go uses 3).
        public var confirmations = 3
        /// Latest votes kept, one per server.
        public var window = 5
        public init() {}
    }

    unowned let host: Host
    public let config: Config
    public private(set) var reachability: Reachability = .unknown
    /// The latest vote per server, oldest first.
    private(set) var votes: [(server: PeerID, reachable: Bool)] = []
    private var asking: Set<PeerID> = []
    private var lastAsked: [PeerID: Instant] = [:]
    private var timer: TimerID?
    private var started: Instant?
    public var onChange: ((Reachability) -> Void)?

    public init(host: Host, config: Config = Config()) {
        self.host = host
        self.config = config
        host.addObserver { [weak self] in self?.handle($0) }
    }

    /// Begins: the first round after `bootDelay`.
    public func start() {
        started = host.reactor.now
        schedule(after: config.bootDelay)
    }

    public func stop() {
        if let timer { host.reactor.cancel(timer) }
        timer = nil
        started = nil
    }

    /// `reachable from outside: yes (3 peers agree)` for `/peers` and the status line.
    public var status: String {
        let agreeing = votes.filter { $0.reachable == (reachability == .reachable) }.count
        switch reachability {
        case .unknown: return "reachability: unknown"
        case .reachable: return "reachable from outside (\(agreeing) peer\(agreeing == 1 ? "" : "s") dialed back)"
        case .unreachable: return "not reachable from outside (behind NAT or a firewall)"
        }
    }

    // MARK: Rounds

    private func schedule(after delay: Duration) {
        if let timer { host.reactor.cancel(timer) }
        timer = host.reactor.schedule(after: delay) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.round()
        }
    }

    private func round() {
        let now = host.reactor.now
        lastAsked = lastAsked.filter { now - $0.value < config.refreshInterval }   // forget the long-ago asked
        let fresh = servers().filter { lastAsked[$0] == nil }
        for peer in fresh.prefix(config.confirmations) { ask(peer) }
        schedule(after: reachability == .unknown ? config.retryInterval : config.refreshInterval)
    }

    /// Connected peers that serve AutoNAT, not being asked now, in a stable order.
    private func servers() -> [PeerID] {
        host.identified.filter { $0.value.protocols.contains(AutoNAT.protocolID) && !asking.contains($0.key) }
            .keys.sorted()
    }

    private func handle(_ event: HostEvent) {
        guard case .identified(let peer, let info) = event, let started, reachability == .unknown,
              info.protocols.contains(AutoNAT.protocolID), lastAsked[peer] == nil, !asking.contains(peer),
              host.reactor.now - started >= config.bootDelay, asking.count + votes.count < config.window else { return }
        ask(peer)
    }

    private func ask(_ peer: PeerID) {
        asking.insert(peer)
        lastAsked[peer] = host.reactor.now
        let addresses = Self.dialAddresses(local: host.localAddresses(), observed: host.identified[peer]?.observedAddr,
                                           listenPorts: host.listenPorts)
        let request = AutoNATMessage.dial(peer: host.peerID.bytes, addresses: addresses.map(\.bytes))
        let stream = AutoNATClientStream(request: request, timeout: config.requestTimeout, reactor: host.reactor) {
            [weak self] result in self?.answered(peer, result)
        }
        do { _ = try host.newStream(to: peer, protocols: [AutoNAT.protocolID], handler: stream) } catch {
            answered(peer, .failure(.streamClosed))
        }
    }

    private func answered(_ server: PeerID, _ result: Result<AutoNATResponse, AutoNATError>) {
        asking.remove(server)
        let vote: Bool?
        switch result {
        case .success(let response) where response.status == .ok:
            vote = true
            confirm(response.address)
        case .success(let response) where response.status == .dialError: vote = false
        case .success(let response):
            host.log.info("AutoNAT: \(server) gave no verdict: \(response.status) \(response.text ?? "")")
            vote = nil
        case .failure(let error):
            host.log.info("AutoNAT: asking \(server) failed: \(error)")
            vote = nil
        }
        guard let vote else { return }
        record(vote, from: server)
    }

    /// What a DIAL asks to have dialed: our own addresses, and each listen port on the IP the server sees us
    /// at when no interface of ours has it (a NAT's public address: reachable there if the port is forwarded).
    public static func dialAddresses(local: [Multiaddr], observed: Multiaddr?, listenPorts: [UInt16]) -> [Multiaddr] {
        guard let endpoint = observed?.removingPeerID().tcpEndpoint else { return local }
        let ownIPs = local.compactMap { $0.tcpEndpoint?.host }
        guard !ownIPs.contains(endpoint.host) else { return local }
        let derived = listenPorts.compactMap { port -> Multiaddr? in
            switch endpoint.host {
            case .ip4(let ip): return Multiaddr(components: [.ip4(ip), .tcp(port)])
            case .ip6(let ip): return Multiaddr(components: [.ip6(ip), .tcp(port)])
            default: return nil
            }
        }
        return local + derived.filter { !local.contains($0) }
    }

    /// A server reached us at `address`: one on a listen port that no interface of ours has is an external
    /// address to advertise. (The observed address's own port was our outgoing connection's: not kept.)
    private func confirm(_ bytes: [UInt8]?) {
        guard let bytes, let address = try? Multiaddr(bytes: bytes), let port = address.tcpEndpoint?.port,
              host.listenPorts.contains(port), !host.localAddresses().contains(address.removingPeerID()) else { return }
        host.addExternalAddress(address)
    }

    /// Adds a server's vote and decides; reports a change.
    func record(_ reachable: Bool, from server: PeerID) {
        votes.removeAll { $0.server == server }
        votes.append((server, reachable))
        if votes.count > config.window { votes.removeFirst(votes.count - config.window) }
        let yes = votes.filter(\.reachable).count, no = votes.count - yes
        let decided: Reachability? = yes >= config.confirmations && yes > no ? .reachable
            : no >= config.confirmations && no > yes ? .unreachable : nil
        guard let decided, decided != reachability else { return }
        host.log.info("AutoNAT: \(decided.rawValue) (\(yes) dialed back, \(no) could not)")
        reachability = decided
        if decided == .unreachable { host.removeExternalAddresses() }
        if timer != nil { schedule(after: config.refreshInterval) }
        onChange?(decided)
    }
}

/// One request: write DIAL, read the DIAL_RESPONSE, close; a timer bounds the wait.
final class AutoNATClientStream: StreamHandler {
    let request: AutoNATMessage
    let timeout: Duration
    unowned let reactor: Reactor
    var completion: ((Result<AutoNATResponse, AutoNATError>) -> Void)?
    var reader = LengthPrefixedDecoder(maxFrameLength: AutoNATMessage.maxLength)
    var timer: TimerID?

    init(request: AutoNATMessage, timeout: Duration, reactor: Reactor,
         completion: @escaping (Result<AutoNATResponse, AutoNATError>) -> Void) {
        self.request = request
        self.timeout = timeout
        self.reactor = reactor
        self.completion = completion
    }

    func streamOpened(_ stream: HostStream) {
        stream.write(LengthPrefixed.frame(request.encoded()))
        stream.closeWrite()
        timer = reactor.schedule(after: timeout) { [weak self, weak stream] in
            self?.timer = nil
            self?.finish(.failure(.timedOut))
            stream?.reset()
        }
    }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        reader.feed(bytes)
        do {
            guard let frame = try reader.next() else { return }
            guard case .dialResponse(let response) = try AutoNATMessage(decoding: frame) else {
                throw AutoNATError.unexpectedMessage
            }
            finish(.success(response))
        } catch let e as LengthPrefixed.DecodeError {
            finish(.failure(.frame(e)))
            stream.reset()
        } catch let e as AutoNATError {
            finish(.failure(e))
            stream.reset()
        } catch {}
    }

    func streamClosed(_ stream: HostStream, error: HostError?) { finish(.failure(.streamClosed)) }

    private func finish(_ result: Result<AutoNATResponse, AutoNATError>) {
        if let timer { reactor.cancel(timer) }
        timer = nil
        let completion = self.completion
        self.completion = nil
        completion?(result)
    }
}
