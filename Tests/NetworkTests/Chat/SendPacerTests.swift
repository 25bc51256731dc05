import Testing
@testable import Network

/// The send pacer against the validator it paces for: whatever the pacer lets out, at any pace of
/// attempts, one author's `ChatValidator` rate limit accepts (time driven by hand).
@Suite struct SendPacerTests {
    static let start = Instant(nanoseconds: 1_000_000_000)

    @Test func staysBelowWhatPeersAccept() {
        #expect(SendPacer.rate < ChatValidator.rate && SendPacer.burst < ChatValidator.burst)
        #expect(SendPacer.burst >= 1 && SendPacer.rate > 0)
    }

    @Test func burstThenRate() {
        var pacer = SendPacer()
        let taken = (0..<100).filter { _ in pacer.take(now: Self.start) }.count
        #expect(taken == Int(SendPacer.burst))
        let next = pacer.nextToken(now: Self.start)
        #expect(next > Self.start)
        let early = pacer.take(now: next + .nanoseconds(-1_000))
        let onTime = pacer.take(now: next)
        #expect(!early && onTime)
        // Ten seconds later: 10 × rate tokens more, never above the burst.
        let later = next + .seconds(10)
        let more = (0..<1000).filter { _ in pacer.take(now: later) }.count
        #expect(more == Int(min(SendPacer.burst, (10 * SendPacer.rate).rounded(.down))))
    }

    @Test func nextTokenIsNowWhileTokensAreLeft() {
        var pacer = SendPacer()
        #expect(pacer.nextToken(now: Self.start) == Self.start)
        _ = pacer.take(now: Self.start)
        #expect(pacer.nextToken(now: Self.start) == Self.start)
    }

    @Test func aClockGoingBackGivesNothingExtra() {
        var pacer = SendPacer()
        for _ in 0..<Int(SendPacer.burst) { _ = pacer.take(now: Self.start) }
        let back = pacer.take(now: Instant(nanoseconds: 1))
        let again = pacer.take(now: Self.start)
        #expect(!back && !again)
    }

    /// Sends paced lines over 60 s of simulated time, with arrivals bunched by up to 0.3 s of jitter, and
    /// checks that a peer's validator accepts every one.
    @Test func peersAcceptEveryPacedLineDespiteJitter() {
        var pacer = SendPacer()
        var limiter = RateLimiter<Int>(rate: ChatValidator.rate, burst: ChatValidator.burst)
        var rng = SystemRandomNumberGenerator()
        var now = Self.start
        var sent: [Instant] = []
        while now < Self.start + .seconds(60) {
            if pacer.take(now: now) { sent.append(now) } else { now = pacer.nextToken(now: now) }
        }
        // Every message delayed by 0…300 ms, independently: arrivals may bunch up.
        let arrivals = sent.map { $0 + .milliseconds(Int64.random(in: 0...300, using: &rng)) }.sorted()
        let refused = arrivals.filter { !limiter.allow(0, now: $0) }.count
        #expect(sent.count > 500)
        #expect(refused == 0, "\(refused) of \(sent.count) paced lines over the peers' limit")
    }
}
