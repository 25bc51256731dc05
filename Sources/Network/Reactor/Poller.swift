/// Names one `Reactor.watch` registration. Never reused within a process, so a stale event for a
/// watch that was removed (and whose fd number was recycled) can never reach the new watcher.
public struct WatchID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "WatchID(\(rawValue))" }
}

/// One readiness report from a `Poller`: which registration, and what is ready.
public struct PollerEvent: Hashable, Sendable {
    public var token: WatchID
    public var readiness: Readiness
    public init(token: WatchID, readiness: Readiness) {
        self.token = token
        self.readiness = readiness
    }
}

/// The readiness-notification mechanism under a `Reactor` (poll(2) in production, a fake in tests).
///
/// A poller knows registrations by token, not by fd: the same fd may be registered twice, and the
/// reactor never has to search by fd. It is level-triggered: a descriptor that stays ready is reported
/// again on every `wait`.
public protocol Poller: AnyObject {
    /// Starts reporting `fd` under `token`. Tokens are unique; the poller does not validate `fd`.
    func add(_ fd: Int32, interest: Interest, token: WatchID)
    /// Changes what is reported for `token`. An empty interest silences the registration entirely.
    func modify(_ token: WatchID, interest: Interest)
    /// Stops reporting `token`. Unknown tokens are ignored.
    func remove(_ token: WatchID)
    /// Blocks until something is ready or `timeout` passes (`nil` = forever, `.zero` = just look),
    /// then replaces the contents of `events` with what is ready. A signal interrupting the wait is not
    /// an error: return normally (possibly with no events).
    func wait(timeout: Duration?, into events: inout [PollerEvent]) throws
}
