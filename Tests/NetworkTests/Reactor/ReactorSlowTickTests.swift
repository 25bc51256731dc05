import Testing
@testable import Network

/// `Reactor.onSlowTick`: a tick whose callbacks hold the loop past `slowTickThreshold` is reported once, with
/// its length and what ran; the time spent waiting in the poller is not the loop's, and is never reported.
@Suite("Reactor: slow ticks are reported")
struct ReactorSlowTickTests {
    @Test("callbacks that take 150 ms: one report, 150 ms, the fd event and the timer counted")
    func slowCallbacksReported() throws {
        let (reactor, clock, poller) = makeFakeReactor()
        var reports: [Reactor.SlowTick] = []
        reactor.onSlowTick = { reports.append($0) }
        _ = reactor.watch(7, .read) { _ in clock.advance(by: .milliseconds(100)) }
        reactor.schedule(after: .zero) { clock.advance(by: .milliseconds(50)) }
        poller.ready[7] = .read
        try reactor.runOnce(timeout: .zero)
        #expect(reports.count == 1)
        #expect(reports.first?.duration == .milliseconds(150))
        #expect(reports.first?.fdEvents == 1)
        #expect(reports.first?.timers == 1)
    }

    @Test("a long wait with quick callbacks, and callbacks just at the threshold: no report")
    func waitingIsNotBusy() throws {
        let (reactor, clock, _) = makeFakeReactor()
        var reports = 0
        reactor.onSlowTick = { _ in reports += 1 }
        reactor.schedule(after: .seconds(10)) {}
        try reactor.runOnce(timeout: nil)   // the fake poller "sleeps" 10 s
        reactor.schedule(after: .zero) { clock.advance(by: Reactor.defaultSlowTickThreshold) }
        try reactor.runOnce(timeout: .zero)
        #expect(reports == 0)
        reactor.slowTickThreshold = .milliseconds(5)
        reactor.schedule(after: .zero) { clock.advance(by: .milliseconds(6)) }
        try reactor.runOnce(timeout: .zero)
        #expect(reports == 1, "the threshold is the reactor's setting")
    }
}
