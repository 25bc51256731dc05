/// The peer-level Kademlia DHT, sans-IO: a routing table, the provider and value stores, and running lookups.
///
/// Inputs: `addPeer` (a DHT server we are connected to), `handleRequest` (a peer's request, server side),
/// `handleResponse` / `requestFailed` (answers to our requests), `handleTimeout(now:)`, and application calls
/// (`bootstrap`, `findNode`, `findProviders`, `provide`). Outputs come from `pollCommand()`:
///
///     .request(id, peer, message)  open a stream to the peer (dialing it first if needed), write, await one reply
///     .send(peer, message)         write and forget (ADD_PROVIDER: go never replies, py echoes; nobody waits)
///     .cancel(id)                  the request timed out: drop its stream
///     .providerFound(query, peer)  a new provider of a `findProviders` key
///     .finished(query, result)     a lookup ended
///
/// It never touches a socket or a clock; `now` comes in with every call.
public final class Kademlia {
    public typealias QueryID = Int
    public typealias RequestID = Int

    public enum Mode: Sendable { case client, server }

    public enum Command: Sendable {
        case request(RequestID, KadPeer, KadMessage)
        case send(KadPeer, KadMessage)
        case cancel(RequestID)
        case providerFound(QueryID, KadPeer)
        case finished(QueryID, QueryResult)
    }

    public enum QueryKind: Equatable, Sendable {
        case findNode
        case findProviders(limit: Int)
        case provide
    }

    public struct QueryResult: Sendable {
        public var kind: QueryKind
        public var key: [UInt8]
        /// The k closest peers that answered.
        public var closest: [KadPeer]
        /// Providers found (findProviders) — ourselves excluded.
        public var providers: [KadPeer]
        /// Peers sent ADD_PROVIDER (provide).
        public var providedTo: Int
        /// Rounds of answers the lookup needed (see `KadQuery.hops`).
        public var hops: Int
        /// Hop of the peer whose answer carried the first provider (findProviders; 0 if none or local).
        public var firstProviderHop: Int
    }

    /// How often the table is refreshed (a self lookup plus one random key) and expired provider records dropped.
    public static let refreshInterval: Duration = .seconds(600)

    public let localPeer: PeerID
    public var mode: Mode
    /// Our dialable addresses, sent in ADD_PROVIDER (a provider record without addresses is dropped by py).
    public var localAddresses: [Multiaddr] = []
    public var queryParameters = KadQuery.Parameters()
    public internal(set) var table: RoutingTable
    public internal(set) var providers: ProviderStore
    public internal(set) var values = RecordStore()

    struct RunningQuery {
        var kind: QueryKind
        var key: [UInt8]
        var query: KadQuery
        var found: [PeerID: KadPeer] = [:]
        var foundOrder: [PeerID] = []
        var firstProviderHop = 0
    }

    var queries: [QueryID: RunningQuery] = [:]
    var requests: [RequestID: (query: QueryID, peer: PeerID)] = [:]
    var commands: [Command] = []
    var nextQueryID = 1
    var nextRequestID = 1
    var nextRefresh: Instant?
    var rng = SystemRandomNumberGenerator()

    public init(localPeer: PeerID, mode: Mode, k: Int = RoutingTable.defaultK,
                providers: ProviderStore = ProviderStore()) {
        self.localPeer = localPeer
        self.mode = mode
        table = RoutingTable(localPeer: localPeer, k: k)
        self.providers = providers
        queryParameters.k = k
    }

    public func pollCommand() -> Command? { commands.isEmpty ? nil : commands.removeFirst() }

    /// Lookups still running.
    public var runningQueries: Int { queries.count }

    // MARK: Peers

    /// A connected peer that serves the DHT (identify lists `/ipfs/kad/1.0.0`, or it answered us).
    public func addPeer(_ peer: PeerID, addrs: [Multiaddr], now: Instant) {
        table.insert(peer, addrs: addrs, now: now)
        if nextRefresh == nil { nextRefresh = now + Self.refreshInterval }
    }

    // MARK: Application calls

    /// Joins the network: a lookup of our own id fills the buckets near us; refreshes follow every 10 min.
    @discardableResult
    public func bootstrap(now: Instant) -> QueryID {
        nextRefresh = now + Self.refreshInterval
        return findNode(localPeer.bytes, now: now)
    }

    /// The k closest peers to `key` (a PeerID's bytes, or any key).
    @discardableResult
    public func findNode(_ key: [UInt8], now: Instant) -> QueryID { start(.findNode, key: key, now: now) }

    /// Providers of `key` (a multihash); each new one is reported as it arrives, the lookup stops at `limit`.
    @discardableResult
    public func findProviders(_ key: [UInt8], limit: Int = 100, now: Instant) -> QueryID {
        start(.findProviders(limit: limit), key: key, now: now, seedLocal: true)
    }

    /// Announces us as a provider of `key`: find the k closest peers, then ADD_PROVIDER to each of them.
    /// A server also keeps the record itself.
    @discardableResult
    public func provide(_ key: [UInt8], now: Instant) -> QueryID {
        if mode == .server { providers.add(key: key, peer: localPeer, addrs: localAddresses, now: now) }
        return start(.provide, key: key, now: now)
    }

    private func start(_ kind: QueryKind, key: [UInt8], now: Instant, seedLocal: Bool = false) -> QueryID {
        let id = nextQueryID
        nextQueryID += 1
        let seeds = table.closest(to: KadKey(hashing: key), count: queryParameters.k)
            .map { KadPeer(id: $0.peer, addrs: $0.addrs) }
        let running = RunningQuery(kind: kind, key: key,
                                   query: KadQuery(target: KadKey(hashing: key), seeds: seeds, localPeer: localPeer,
                                                   parameters: queryParameters, now: now))
        queries[id] = running
        if seedLocal {
            for record in providers.providers(of: key, now: now) {
                noteProvider(KadPeer(id: record.peer, addrs: record.addrs), query: id, hop: 0)
            }
        }
        advance(id, now: now)
        return id
    }
}
