#if canImport(Glibc)
import Glibc
#endif

/// Where a chat line's time goes inside one process: a timestamp (CLOCK_MONOTONIC, shared by every process
/// on the machine) at each stage boundary of the send and receive paths, written to a file at exit.
/// `bench/stage-latency.py` lines two nodes' traces up with its own clock and prints the table. Off unless
/// `P2P_CHAT_STAGE_TRACE` names the file: then a `mark` is one `clock_gettime` and a store; off, one branch.
///
///     send:    lineRead ─ signStart ─ signEnd ─ socketWrite
///     receive: socketRead ─ verifyStart ─ verifyEnd ─ validated ─ journalStart ─ journalEnd ─ outputStart ─ outputDone
public enum StageTrace {
    public enum Stage: UInt8, CaseIterable, Sendable {
        case lineRead = 1, signStart, signEnd, socketWrite
        case socketRead = 10, verifyStart, verifyEnd, validated, journalStart, journalEnd, outputStart, outputDone
    }

    /// Marks kept; later ones are dropped (a bench run makes a few thousand).
    public static let capacity = 1 << 18

    nonisolated(unsafe) private static var path: String?
    nonisolated(unsafe) private static var stages: [UInt8] = []
    nonisolated(unsafe) private static var times: [UInt64] = []

    /// Starts tracing when `P2P_CHAT_STAGE_TRACE` is set (call once, at start, on the reactor thread).
    public static func startFromEnvironment() {
        guard let target = getenv("P2P_CHAT_STAGE_TRACE").map({ String(cString: $0) }), !target.isEmpty else { return }
        path = target
        stages.reserveCapacity(capacity)
        times.reserveCapacity(capacity)
    }

    /// Records `stage` now (reactor thread only).
    @inline(__always)
    public static func mark(_ stage: Stage) {
        if path != nil { record(stage) }
    }

    private static func record(_ stage: Stage) {
        guard stages.count < capacity else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        stages.append(stage.rawValue)
        times.append(UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec))
    }

    /// Writes the marks, one `stage nanoseconds` line each, and stops tracing.
    public static func finish() {
        guard let target = path, let file = fopen(target, "w") else { return }
        for (stage, time) in zip(stages, times) { fputs("\(stage) \(time)\n", file) }
        fclose(file)
        path = nil
    }
}
