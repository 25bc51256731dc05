/// Paces our own chat publishes so that every peer's `ChatValidator` accepts them all.
///
/// Peers allow one author `ChatValidator.rate` messages a second with a burst of `ChatValidator.burst`,
/// and silently ignore the excess (a forwarder did nothing wrong). Without pacing, a paste of 60 lines
/// would be shown here in full and lose its last 20 lines at every peer. So the app sends through this
/// token bucket and queues what it refuses (`ChatRooms`): lines go out in order, at most `burst` at once,
/// then `rate` a second.
///
/// Both are below the validator's: a peer's bucket refills from the moment each message *arrives*, and
/// network delays can bunch arrivals that left evenly spaced. The 10 % slower rate and 4 tokens of
/// headroom absorb ~0.4 s of bunching. Pure: time comes in.
public struct SendPacer {
    public static let rate = ChatValidator.rate * 0.9
    public static let burst = ChatValidator.burst - 4

    private var tokens = SendPacer.burst
    private var updated: Instant?

    public init() {}

    /// Takes one token; false when none is left (the line must wait until `nextToken`).
    public mutating func take(now: Instant) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token is due (`now` when one is there already).
    public func nextToken(now: Instant) -> Instant {
        var copy = self
        copy.refill(now: now)
        guard copy.tokens < 1 else { return now }
        let seconds = (1 - copy.tokens) / Self.rate
        return now + .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    }

    private mutating func refill(now: Instant) {
        if let updated, now > updated {
            tokens = min(Self.burst, tokens + Double((now - updated).nanosecondsClamped) / 1e9 * Self.rate)
        }
        if updated.map({ now > $0 }) ?? true { updated = now }
    }
}
