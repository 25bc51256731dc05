/// Provider records: which peers said they can provide a key, with their addresses, until the record expires.
///
/// Bounded in three ways: keys, providers per key (the oldest record of a key makes room), and the rate of
/// ADD_PROVIDER requests per sending peer (checked by the server handler through `allowAdd`).
public struct ProviderStore {
    /// A record lives this long unless re-provided (spec, go and py: 48 h).
    public static let recordTTL: Duration = .seconds(48 * 3600)
    public static let defaultMaxKeys = 10_000
    public static let defaultMaxProvidersPerKey = 200
    /// ADD_PROVIDER requests per peer: py accepts 10 per 10 s; we allow the same burst and rate.
    public static let addRate = 1.0, addBurst = 10.0

    public struct Provider: Equatable {
        public var peer: PeerID
        public var addrs: [Multiaddr]
        public var expires: Instant
    }

    public let maxKeys: Int
    public let maxProvidersPerKey: Int
    private(set) var records: [[UInt8]: [Provider]] = [:]
    private var limiter = RateLimiter<PeerID>(rate: ProviderStore.addRate, burst: ProviderStore.addBurst)

    public init(maxKeys: Int = ProviderStore.defaultMaxKeys, maxProvidersPerKey: Int = ProviderStore.defaultMaxProvidersPerKey) {
        self.maxKeys = maxKeys
        self.maxProvidersPerKey = maxProvidersPerKey
    }

    /// Takes one ADD_PROVIDER token for `peer`.
    public mutating func allowAdd(from peer: PeerID, now: Instant) -> Bool { limiter.allow(peer, now: now) }

    /// Adds or refreshes a record. Returns false when the store is full of other keys.
    @discardableResult
    public mutating func add(key: [UInt8], peer: PeerID, addrs: [Multiaddr], now: Instant) -> Bool {
        let record = Provider(peer: peer, addrs: addrs, expires: now + Self.recordTTL)
        if var list = records[key] {
            list.removeAll { $0.peer == peer || $0.expires <= now }
            if list.count >= maxProvidersPerKey { list.removeFirst(list.count - maxProvidersPerKey + 1) }
            list.append(record)
            records[key] = list
            return true
        }
        if records.count >= maxKeys { expire(now: now) }
        guard records.count < maxKeys else { return false }
        records[key] = [record]
        return true
    }

    /// Live providers of `key`, oldest record first.
    public func providers(of key: [UInt8], now: Instant) -> [Provider] {
        (records[key] ?? []).filter { $0.expires > now }
    }

    /// Drops expired records.
    public mutating func expire(now: Instant) {
        for (key, list) in records {
            let live = list.filter { $0.expires > now }
            records[key] = live.isEmpty ? nil : live
        }
    }

    public var keyCount: Int { records.count }
}

/// Values stored by PUT_VALUE: a bounded in-memory map. Nothing is validated beyond size (no `/pk` or `/ipns`
/// validators): the chat does not use values, and we serve them only so other DHT clients see a complete server.
public struct RecordStore: Sendable {
    public static let maxValueSize = 64 << 10
    public static let defaultMaxRecords = 1024
    /// Records are dropped after this long (py: 24 h).
    public static let recordTTL: Duration = .seconds(24 * 3600)

    public let maxRecords: Int
    private(set) var records: [[UInt8]: (record: KadRecord, expires: Instant)] = [:]

    public init(maxRecords: Int = RecordStore.defaultMaxRecords) { self.maxRecords = maxRecords }

    public mutating func put(_ record: KadRecord, now: Instant) throws {
        guard record.value.count <= Self.maxValueSize else {
            throw KadError.badRecord("value of \(record.value.count) bytes is over \(Self.maxValueSize)")
        }
        if records[record.key] == nil, records.count >= maxRecords {
            for (key, entry) in records where entry.expires <= now { records[key] = nil }
            if records.count >= maxRecords, let oldest = records.min(by: { $0.value.expires < $1.value.expires })?.key {
                records[oldest] = nil
            }
        }
        records[record.key] = (record, now + Self.recordTTL)
    }

    public func get(_ key: [UInt8], now: Instant) -> KadRecord? {
        guard let entry = records[key], entry.expires > now else { return nil }
        return entry.record
    }
}
