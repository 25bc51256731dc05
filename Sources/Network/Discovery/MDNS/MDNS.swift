/// libp2p mDNS discovery (specs `discovery/mdns.md`) as a sans-IO machine: packets and `now` in,
/// packets to send, events and a deadline out. It never touches a socket or a clock.
///
/// - Queries `_p2p._udp.local PTR` at start and then on a doubling interval, capped at
///   `aloneQueryInterval` while no peer is known and at `maxQueryInterval` after.
/// - Answers every such query (its own included) with `PTR → <peer-name>._p2p._udp.local` and, in the
///   additional section, the TXT record (`dnsaddr=<multiaddr>/p2p/<id>`, one string per address) plus
///   SRV and A/AAAA records, which python-zeroconf (py-libp2p) needs before it reads the TXT.
/// - Reads responses: every TXT string whose key starts with `dnsaddr` (py writes `dnsaddr2=` …),
///   keeping addresses that end in the record's `/p2p/<id>`, and never ourselves.
///
///     var mdns = MDNS(me: id, now: clock.now)
///     mdns.setAddresses(host.listenAddresses)
///     mdns.tick(now: clock.now)                        // due query
///     while let packet = mdns.pollTransmit() { … }     // .multicast or .unicast(to)
///     try mdns.receive(bytes, from: sender, now: clock.now)
///     while let event = mdns.pollEvent() { … }         // .discovered(peer, addrs) / .expired(peer)
public struct MDNS {
    /// Where a packet goes: the mDNS group (224.0.0.251:5353) or straight back to one asker.
    public enum Destination: Hashable, Sendable {
        case multicast
        case unicast(SocketAddress)
    }

    public struct Packet: Hashable, Sendable {
        public var destination: Destination
        public var bytes: [UInt8]
    }

    public enum Event: Hashable, Sendable {
        /// A new peer, or a known one whose addresses changed. Addresses end in `/p2p/<peer>`.
        case discovered(PeerID, [Multiaddr])
        /// Its records expired or it said goodbye (TTL 0).
        case expired(PeerID)
    }

    /// One peer learnt from a response.
    struct Discovered {
        var addresses: [Multiaddr]
        var expires: Instant
    }

    public let me: PeerID
    public let config: MDNSConfig
    /// Our random instance label (32–63 lowercase alphanumerics; not the PeerID, per the spec).
    public let peerName: String
    /// Our advertised addresses, each ending in `/p2p/<me>`.
    public private(set) var addresses: [Multiaddr] = []
    var peers: [PeerID: Discovered] = [:]
    var nextQuery: Instant
    var queryInterval: Duration
    var lastMulticastResponse: Instant?
    /// When the answer held back by the once-a-second rule goes out.
    var deferredResponseAt: Instant?
    var outbox: [Packet] = []
    var events: [Event] = []

    public init(me: PeerID, config: MDNSConfig = MDNSConfig(), now: Instant, peerName: String? = nil) {
        var rng = SystemRandomNumberGenerator()
        self.init(me: me, config: config, now: now, peerName: peerName, using: &rng)
    }

    public init<R: RandomNumberGenerator>(me: PeerID, config: MDNSConfig = MDNSConfig(), now: Instant,
                                          peerName: String? = nil, using rng: inout R) {
        self.me = me
        self.config = config
        self.peerName = peerName ?? Self.randomPeerName(using: &rng)
        nextQuery = now
        queryInterval = config.initialQueryInterval
    }

    static let peerNameAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// 32 to 63 random lowercase letters and digits: a valid DNS label that tells nothing about us.
    public static func randomPeerName<R: RandomNumberGenerator>(using rng: inout R) -> String {
        let count = Int.random(in: 32...DNSName.maxLabelLength, using: &rng)
        return String((0..<count).map { _ in peerNameAlphabet.randomElement(using: &rng)! })
    }

    /// `<peer-name>._p2p._udp.local`: the name of our TXT and SRV records.
    public var instanceName: DNSName { config.serviceName.prepending(peerName) }
    /// `<peer-name>.local`: the SRV target that our A/AAAA records name.
    public var hostName: DNSName { DNSName(labels: [peerName, "local"]) }

    /// Sets what we advertise. `/p2p/<me>` is appended where missing; relayed and foreign-id
    /// addresses are dropped, and the list is cut at `MDNSConfig.maxAdvertisedAddresses`.
    public mutating func setAddresses(_ list: [Multiaddr]) {
        var result: [Multiaddr] = []
        for address in list where !address.isRelayed {
            let full: Multiaddr
            if let id = address.peerID {
                guard id == me else { continue }
                full = address
            } else {
                full = address.withPeerID(me)
            }
            if !result.contains(full) { result.append(full) }
        }
        addresses = Array(result.prefix(MDNSConfig.maxAdvertisedAddresses))
    }

    /// Peers currently known and their addresses.
    public var discoveredPeers: [PeerID: [Multiaddr]] { peers.mapValues(\.addresses) }

    // MARK: Time

    /// Sends the query and any held-back answer when due, and expires peers whose records ran out.
    public mutating func tick(now: Instant) {
        sendDeferredResponse(now: now)
        let hadPeers = !peers.isEmpty
        for (peer, entry) in peers where entry.expires <= now {
            peers[peer] = nil
            events.append(.expired(peer))
        }
        if hadPeers && peers.isEmpty { quickenQueries(now: now) }
        guard now >= nextQuery else { return }
        outbox.append(Packet(destination: .multicast, bytes: Self.query(for: config.serviceName)))
        let cap = peers.isEmpty ? config.aloneQueryInterval : config.maxQueryInterval
        nextQuery = now + queryInterval
        queryInterval = min(queryInterval * 2, cap)
    }

    /// The peer's connection went away: forget it, so its next response is reported again (and
    /// dialed), and query quickly again if no peer is left.
    public mutating func forget(_ peer: PeerID, now: Instant) {
        guard peers.removeValue(forKey: peer) != nil else { return }
        if peers.isEmpty { quickenQueries(now: now) }
    }

    private mutating func quickenQueries(now: Instant) {
        if queryInterval > config.aloneQueryInterval { queryInterval = config.initialQueryInterval }
        nextQuery = min(nextQuery, now + queryInterval)
    }

    /// When `tick` next has something to do.
    public func nextDeadline() -> Instant? {
        return ([nextQuery, deferredResponseAt].compactMap { $0 } + peers.values.map(\.expires)).min()
    }

    // MARK: Output

    public mutating func pollTransmit() -> Packet? { outbox.isEmpty ? nil : outbox.removeFirst() }
    public mutating func pollEvent() -> Event? { events.isEmpty ? nil : events.removeFirst() }

    /// A one-question multicast query (QM) for `service`'s PTR records.
    static func query(for service: DNSName) -> [UInt8] {
        let message = DNSMessage(questions: [DNSQuestion(name: service, type: .ptr)])
        // A valid service name always encodes; an invalid one is a programming error caught by tests.
        return (try? message.encode()) ?? []
    }

    // MARK: Input

    /// Handles one datagram from `sender`. Queries are answered; responses are read for peers.
    /// Throws `DNSError` for a malformed packet (the caller logs and drops it; state is unchanged).
    public mutating func receive(_ bytes: [UInt8], from sender: SocketAddress, now: Instant) throws {
        let message = try DNSMessage(decoding: bytes)
        guard message.opcode == 0 else { return }
        if message.isResponse {
            readResponse(message, now: now)
        } else {
            answer(message, from: sender, now: now)
        }
    }
}
