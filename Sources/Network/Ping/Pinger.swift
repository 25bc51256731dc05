/// The dialer's side of ping: one outstanding ping at a time on one stream.
///
/// `start(now:)` gives the 32 bytes to write; feed everything the stream delivers to `receive(_:now:)`,
/// which returns the round-trip time once the whole echo has arrived and matches. Arm a timer for
/// `deadline` and call `handleTimeout(now:)` when it fires. Any error is final (reset the stream and
/// make a new `Pinger`).
public struct Pinger: Sendable {
    public let timeout: Duration

    private enum State: Sendable {
        case idle
        case waiting(payload: [UInt8], sentAt: Instant, echo: [UInt8])
        case failed
    }
    private var state: State = .idle

    public init(timeout: Duration = Ping.timeout) { self.timeout = timeout }

    /// Whether a ping is in flight.
    public var isOutstanding: Bool {
        if case .waiting = state { return true }
        return false
    }

    /// When the outstanding ping times out; nil when none is in flight.
    public var deadline: Instant? {
        if case .waiting(_, let sentAt, _) = state { return sentAt + timeout }
        return nil
    }

    /// Starts a ping with a fresh random payload; returns the bytes to write.
    public mutating func start(now: Instant) throws -> [UInt8] {
        try start(now: now, payload: Sodium.randomBytes(Ping.payloadLength))
    }

    /// Starts a ping with a given payload (tests).
    public mutating func start(now: Instant, payload: [UInt8]) throws -> [UInt8] {
        switch state {
        case .failed: throw PingError.failed
        case .waiting: throw PingError.alreadyOutstanding
        case .idle: break
        }
        guard payload.count == Ping.payloadLength else { throw PingError.badPayloadLength(payload.count) }
        state = .waiting(payload: payload, sentAt: now, echo: [])
        return payload
    }

    /// Consumes echoed bytes; returns the RTT when the echo is complete.
    public mutating func receive<C: Collection>(_ bytes: C, now: Instant) throws -> Duration?
    where C.Element == UInt8 {
        guard !bytes.isEmpty else { return nil }
        guard case .waiting(let payload, let sentAt, var echo) = state else {
            if case .failed = state { throw PingError.failed }
            state = .failed
            throw PingError.unexpectedData(count: bytes.count)
        }
        let needed = Ping.payloadLength - echo.count
        echo.append(contentsOf: bytes.prefix(needed))
        if bytes.count > needed {
            state = .failed
            throw PingError.unexpectedData(count: bytes.count - needed)
        }
        guard echo.count == Ping.payloadLength else {
            state = .waiting(payload: payload, sentAt: sentAt, echo: echo)
            return nil
        }
        guard echo == payload else {
            state = .failed
            throw PingError.mismatch(expected: payload, got: echo)
        }
        state = .idle
        return now - sentAt
    }

    /// Fails the outstanding ping if its deadline has passed; otherwise does nothing.
    public mutating func handleTimeout(now: Instant) throws {
        guard let deadline, now >= deadline else { return }
        state = .failed
        throw PingError.timedOut(after: timeout)
    }
}
