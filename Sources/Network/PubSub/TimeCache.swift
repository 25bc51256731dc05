/// A set whose members expire a fixed TTL after insertion (the seen-cache). Expiry is swept in insertion
/// order, so `sweep` costs only the expired entries.
struct TimeCache<Key: Hashable> {
    let ttl: Duration
    private var expiries: [Key: Instant] = [:]
    private var queue: [(key: Key, expiry: Instant)] = []
    private var head = 0

    init(ttl: Duration) { self.ttl = ttl }

    var count: Int { expiries.count }

    func contains(_ key: Key, now: Instant) -> Bool {
        guard let expiry = expiries[key] else { return false }
        return expiry > now
    }

    /// Adds `key`; returns false if it was already present (and unexpired).
    @discardableResult
    mutating func insert(_ key: Key, now: Instant) -> Bool {
        if contains(key, now: now) { return false }
        let expiry = now + ttl
        expiries[key] = expiry
        queue.append((key, expiry))
        return true
    }

    /// Forgets every entry whose TTL has passed.
    mutating func sweep(now: Instant) {
        while head < queue.count, queue[head].expiry <= now {
            let entry = queue[head]
            if expiries[entry.key] == entry.expiry { expiries[entry.key] = nil }
            head += 1
        }
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// When the oldest entry expires.
    var nextExpiry: Instant? { head < queue.count ? queue[head].expiry : nil }
}
