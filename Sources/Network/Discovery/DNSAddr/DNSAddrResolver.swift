/// Resolves a `/dnsaddr/<domain>[/p2p/<id>]` multiaddr (multiaddr `protocols/DNSADDR.md`) as a sans-IO
/// machine: TXT queries out, responses and `now` in, the addresses (or why not) out.
///
///     _dnsaddr.<domain> TXT ──► "dnsaddr=/ip4/…/tcp/…/p2p/Qm…"   kept (its /p2p matches, or none was asked)
///                           └─► "dnsaddr=/dnsaddr/<other>/p2p/…" looked up in turn, up to `maxDepth` deep
///
/// Each lookup is retried `attempts` times, `timeout` apart; a lookup that gets no answer, or NXDOMAIN,
/// contributes nothing. The machine finishes when every lookup has: `result` is then the addresses
/// found (deduplicated, in answer order), or an error when there are none.
public struct DNSAddrResolver {
    /// Nested `/dnsaddr` levels followed below the first (the libp2p bootstrap list uses one).
    public static let maxDepth = 4
    /// Lookups made for one resolution, nesting included.
    public static let maxLookups = 32
    /// Addresses returned at most.
    public static let maxResults = 64
    /// UDP payload size we offer in EDNS(0), so a list of several long TXT records is not truncated.
    public static let ednsPayloadSize: UInt16 = 4096

    public struct Query: Hashable, Sendable {
        public var id: UInt16
        public var bytes: [UInt8]
    }

    struct Lookup {
        var domain: String
        var expected: PeerID?
        var depth: Int
        var attemptsLeft: Int
        var deadline: Instant
        var bytes: [UInt8]
    }

    public let address: Multiaddr
    public let timeout: Duration
    public let attempts: Int
    var lookups: [UInt16: Lookup] = [:]
    var lookupCount = 0
    var found: [Multiaddr] = []
    var failures: [DNSAddrError] = []
    var outbox: [Query] = []
    var nextID: UInt16
    /// Set once every lookup finished.
    public private(set) var result: Result<[Multiaddr], DNSAddrError>?

    /// Starts resolving `address`, which must begin with `/dnsaddr/<domain>`. `firstID` seeds the
    /// query IDs (pass a random one; tests pass a fixed one).
    public init(_ address: Multiaddr, now: Instant, timeout: Duration = .seconds(2), attempts: Int = 3,
                firstID: UInt16 = UInt16.random(in: 0...UInt16.max)) throws {
        guard case .dnsaddr(let domain)? = address.components.first else { throw DNSAddrError.notDNSAddr(address) }
        self.address = address
        self.timeout = timeout
        self.attempts = max(1, attempts)
        nextID = firstID
        try lookUp(domain, expected: address.peerID, depth: 0, now: now)
    }

    public var isFinished: Bool { result != nil }

    // MARK: Output

    public mutating func pollTransmit() -> Query? { outbox.isEmpty ? nil : outbox.removeFirst() }

    public func nextDeadline() -> Instant? { lookups.values.map(\.deadline).min() }

    // MARK: Input

    /// Retries lookups whose answer is overdue; gives up on those out of attempts.
    public mutating func tick(now: Instant) {
        for (id, var lookup) in lookups where lookup.deadline <= now {
            guard lookup.attemptsLeft > 0 else {
                lookups[id] = nil
                failures.append(.timedOut(domain: lookup.domain))
                continue
            }
            lookup.attemptsLeft -= 1
            lookup.deadline = now + timeout
            lookups[id] = lookup
            outbox.append(Query(id: id, bytes: lookup.bytes))
        }
        finishIfDone()
    }

    /// Handles one datagram from the nameserver. Answers to nothing we asked are ignored;
    /// a malformed packet throws `DNSError` and changes nothing.
    public mutating func receive(_ bytes: [UInt8], now: Instant) throws {
        let message = try DNSMessage(decoding: bytes)
        guard message.isResponse, let lookup = lookups[message.id],
              message.questions.first?.name == Self.queryName(lookup.domain) else { return }
        lookups[message.id] = nil
        if message.responseCode != 0 {
            failures.append(.serverError(domain: lookup.domain, code: message.responseCode))
        }
        for record in message.answers where record.type == .txt && record.name == Self.queryName(lookup.domain) {
            for text in record.data.textStrings where text.hasPrefix("dnsaddr=") {
                guard let entry = try? Multiaddr(String(text.dropFirst("dnsaddr=".count))) else { continue }
                accept(entry, from: lookup, now: now)
            }
        }
        finishIfDone()
    }

    private mutating func accept(_ entry: Multiaddr, from lookup: Lookup, now: Instant) {
        if let expected = lookup.expected, let id = entry.peerID, id != expected { return }
        if case .dnsaddr(let nested)? = entry.components.first {
            guard lookup.depth < Self.maxDepth else {
                failures.append(.tooDeep(domain: nested))
                return
            }
            do { try lookUp(nested, expected: lookup.expected ?? entry.peerID, depth: lookup.depth + 1, now: now) } catch {
                failures.append(error as? DNSAddrError ?? .badName(nested))
            }
            return
        }
        guard lookup.expected == nil || entry.peerID != nil, !found.contains(entry),
              found.count < Self.maxResults else { return }
        found.append(entry)
    }

    private mutating func lookUp(_ domain: String, expected: PeerID?, depth: Int, now: Instant) throws {
        guard lookupCount < Self.maxLookups else { throw DNSAddrError.tooManyLookups }
        let name = Self.queryName(domain)
        do { try name.validate() } catch { throw DNSAddrError.badName(domain) }
        let id = nextID
        nextID &+= 1
        let opt = DNSRecord(name: DNSName(labels: []), ttl: 0, data: .other(DNSRecordType(rawValue: 41), []),
                            recordClass: Self.ednsPayloadSize)
        let query = DNSMessage(id: id, flags: DNSMessage.recursionDesiredFlag,
                               questions: [DNSQuestion(name: name, type: .txt)], additionals: [opt])
        let bytes: [UInt8]
        do { bytes = try query.encode() } catch { throw DNSAddrError.badName(domain) }
        lookupCount += 1
        lookups[id] = Lookup(domain: domain, expected: expected, depth: depth, attemptsLeft: attempts - 1,
                             deadline: now + timeout, bytes: bytes)
        outbox.append(Query(id: id, bytes: bytes))
    }

    private mutating func finishIfDone() {
        guard lookups.isEmpty, result == nil else { return }
        if !found.isEmpty {
            result = .success(found)
        } else {
            result = .failure(failures.first ?? .noAddresses(address))
        }
    }

    /// `_dnsaddr.<domain>`.
    static func queryName(_ domain: String) -> DNSName { DNSName(domain).prepending("_dnsaddr") }
}

/// Why a `/dnsaddr` address gave no addresses.
public enum DNSAddrError: Error, Hashable, Sendable, CustomStringConvertible {
    case notDNSAddr(Multiaddr)
    case badName(String)
    case timedOut(domain: String)
    /// The nameserver answered with a non-zero RCODE (3 = no such name).
    case serverError(domain: String, code: UInt8)
    case tooDeep(domain: String)
    case tooManyLookups
    /// Every lookup answered, but no entry was usable (none, or none for the requested peer).
    case noAddresses(Multiaddr)
    /// No nameserver found in /etc/resolv.conf (or only IPv6 ones, which we do not query).
    case noNameserver
    case socket(Errno)

    public var description: String {
        switch self {
        case .notDNSAddr(let address): return "\(address) does not start with /dnsaddr"
        case .badName(let domain): return "not a usable DNS name: \(domain)"
        case .timedOut(let domain): return "no DNS answer for _dnsaddr.\(domain)"
        case .serverError(let domain, let code): return "DNS error \(code) for _dnsaddr.\(domain)"
        case .tooDeep(let domain): return "/dnsaddr/\(domain) nested deeper than \(DNSAddrResolver.maxDepth)"
        case .tooManyLookups: return "more than \(DNSAddrResolver.maxLookups) /dnsaddr lookups"
        case .noAddresses(let address): return "\(address) resolved to no usable address"
        case .noNameserver: return "no IPv4 nameserver in /etc/resolv.conf"
        case .socket(let errno): return "DNS socket: \(errno)"
        }
    }
}
