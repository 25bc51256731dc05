/// A token bucket per key: `rate` tokens per second, at most `burst` saved up. Pure: time comes in.
public struct RateLimiter<Key: Hashable> {
    public let rate: Double
    public let burst: Double
    /// Keys tracked at most; the stalest are forgotten first (a forgotten key starts with a full bucket).
    public let capacity: Int
    private var buckets: [Key: (tokens: Double, updated: Instant)] = [:]

    public init(rate: Double, burst: Double, capacity: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.capacity = capacity
    }

    /// Takes one token for `key`; false when the bucket is empty.
    public mutating func allow(_ key: Key, now: Instant) -> Bool {
        var bucket = buckets[key] ?? (burst, now)
        let elapsed = Double((now - bucket.updated).nanosecondsClamped) / 1e9
        bucket.tokens = min(burst, bucket.tokens + max(0, elapsed) * rate)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        if buckets[key] == nil && buckets.count >= capacity { evictStalest() }
        buckets[key] = bucket
        return allowed
    }

    private mutating func evictStalest() {
        guard let stalest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key else { return }
        buckets.removeValue(forKey: stalest)
    }
}
