#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Network

/// Wall-clock (`MonotonicClock`) and this thread's CPU time, read together.
///
/// The machine a benchmark runs on is often shared, so every rate is reported both per wall second and
/// per CPU second of the measuring thread: the second is what one core does when it is not preempted.
struct Stopwatch {
    private static let clock = MonotonicClock()
    let wallStart: Instant
    let cpuStart: UInt64

    init() {
        wallStart = Self.clock.now
        cpuStart = Self.threadCPUNanoseconds()
    }

    var wallSeconds: Double { Double((Self.clock.now - wallStart).nanosecondsClamped) / 1e9 }
    var cpuSeconds: Double { Double(Self.threadCPUNanoseconds() &- cpuStart) / 1e9 }

    static var now: Instant { clock.now }

    /// `CLOCK_THREAD_CPUTIME_ID`: CPU time of the calling thread (the reactor's, for the host benchmarks).
    static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// The outcome of a timed loop: how much work was done in how much wall and CPU time.
struct Sample {
    var units: Double
    var wallSeconds: Double
    var cpuSeconds: Double

    var perWallSecond: Double { wallSeconds > 0 ? units / wallSeconds : 0 }
    var perCPUSecond: Double { cpuSeconds > 0 ? units / cpuSeconds : 0 }
}

/// Runs `batch` (which returns the units of work it did) until `minimum` wall seconds have passed.
func timed(atLeast minimum: Double, _ batch: () throws -> Double) rethrows -> Sample {
    let watch = Stopwatch()
    var units = 0.0
    repeat {
        units += try batch()
    } while watch.wallSeconds < minimum
    return Sample(units: units, wallSeconds: watch.wallSeconds, cpuSeconds: watch.cpuSeconds)
}

/// The value at quantile `q` (0…1) of already sorted values (nearest rank).
func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}
