#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on a monotonic timeline, in nanoseconds since an arbitrary origin.
///
/// Protocol machines never read a clock: every input carries `now: Instant`, and every machine
/// reports its next deadline as an `Instant`. Only the `Reactor` (through a `TimeSource`) asks what time it is.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    public static func + (a: Instant, d: Duration) -> Instant {
        let delta = d.nanosecondsClamped
        if delta >= 0 {
            let (sum, overflow) = a.nanoseconds.addingReportingOverflow(UInt64(delta))
            return Instant(nanoseconds: overflow ? .max : sum)
        }
        let back = UInt64(-delta)
        return Instant(nanoseconds: a.nanoseconds > back ? a.nanoseconds - back : 0)
    }

    public static func - (a: Instant, b: Instant) -> Duration {
        if a >= b { return .nanoseconds(Int64(clamping: a.nanoseconds - b.nanoseconds)) }
        return .nanoseconds(-Int64(clamping: b.nanoseconds - a.nanoseconds))
    }

    public var description: String { "Instant(\(nanoseconds)ns)" }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64`.
    public var nanosecondsClamped: Int64 {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return s < 0 ? .min : .max }
        return ns.addingReportingOverflow(atto / 1_000_000_000).partialValue
    }

    /// The duration in milliseconds as a floating-point number (for reporting RTTs).
    public var milliseconds: Double { Double(nanosecondsClamped) / 1_000_000 }
}

/// Where the reactor (and only the reactor) learns the current time.
public protocol TimeSource: AnyObject {
    var now: Instant { get }
}

/// The real clock: `CLOCK_MONOTONIC`.
public final class MonotonicClock: TimeSource {
    public init() {}
    public var now: Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }
}

/// A clock that moves only when a test says so (like NIO's `EmbeddedEventLoop`).
public final class ManualClock: TimeSource {
    public private(set) var now: Instant
    public init(start: Instant = Instant(nanoseconds: 1_000_000_000)) { now = start }
    public func advance(by d: Duration) { now = now + d }
    public func advance(to instant: Instant) { if instant > now { now = instant } }
}
