import Testing
@testable import Network

/// Runs real reactor ticks until `done()` holds. Each tick waits for I/O (at most `tick`), never
/// sleeps blindly; the tick bound turns a hang into a recorded failure.
func drive(_ reactor: Reactor, maxTicks: Int = 500, tick: Duration = .milliseconds(50),
           sourceLocation: SourceLocation = #_sourceLocation, until done: () -> Bool) throws {
    for _ in 0..<maxTicks {
        if done() { return }
        try reactor.runOnce(timeout: tick)
    }
    Issue.record("condition not reached within \(maxTicks) ticks", sourceLocation: sourceLocation)
}
