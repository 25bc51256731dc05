import Testing
@testable import Network

@Suite struct ReactorDispatchTests {
    @Test func readyFdsAreDispatchedWithTheirReadiness() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var seen: [(Int32, Readiness)] = []
        _ = reactor.watch(3, .read) { seen.append((3, $0)) }
        _ = reactor.watch(4, .read) { seen.append((4, $0)) }
        poller.ready = [4: .read]
        try reactor.runOnce(timeout: .zero)
        #expect(seen.map(\.0) == [4])
        #expect(seen.map(\.1) == [.read])
    }

    @Test func dispatchOrderIsErrorThenWriteThenRead() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var steps: [Readiness] = []
        _ = reactor.watch(5, [.read, .write]) { steps.append($0) }
        poller.ready = [5: [.read, .write, .hangup, .error]]
        try reactor.runOnce(timeout: .zero)
        #expect(steps == [[.error, .hangup], .write, .read])
    }

    @Test func unwatchDuringDispatchSkipsThatFdsPendingEvent() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var calls: [Int32] = []
        var second: WatchID?
        _ = reactor.watch(3, .read) { _ in
            calls.append(3)
            reactor.unwatch(second!)
        }
        second = reactor.watch(4, .read) { _ in calls.append(4) }
        poller.ready = [3: .read, 4: .read]
        try reactor.runOnce(timeout: .zero)
        #expect(calls == [3])
        #expect(poller.registrations[second!] == nil)
        #expect(reactor.watchCount == 1)
    }

    @Test func unwatchingItselfInTheErrorStepSkipsWriteAndRead() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var steps: [Readiness] = []
        var me: WatchID?
        me = reactor.watch(5, [.read, .write]) {
            steps.append($0)
            reactor.unwatch(me!)
            reactor.unwatch(me!)                 // idempotent
        }
        poller.ready = [5: [.read, .write, .hangup]]
        try reactor.runOnce(timeout: .zero)
        #expect(steps == [.hangup])
    }

    @Test func fdNumberReusedAfterUnwatchDoesNotGetStaleEvents() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var calls: [String] = []
        var old: WatchID?
        old = reactor.watch(7, .read) { _ in
            calls.append("old")
            reactor.unwatch(old!)
            _ = reactor.watch(7, .read) { _ in calls.append("new") }   // same fd number, new watch
        }
        poller.ready = [7: .read]
        try reactor.runOnce(timeout: .zero)
        #expect(calls == ["old"])
        try reactor.runOnce(timeout: .zero)
        #expect(calls == ["old", "new"])
    }

    @Test func updateChangesInterestAtThePoller() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var steps: [Readiness] = []
        let id = reactor.watch(6, .read) { steps.append($0) }
        poller.ready = [6: [.read, .write]]
        try reactor.runOnce(timeout: .zero)
        #expect(steps == [.read])

        reactor.update(id, [.read, .write])
        #expect(poller.registrations[id]?.interest == [.read, .write])
        try reactor.runOnce(timeout: .zero)
        #expect(steps == [.read, .write, .read])

        reactor.update(id, [])
        try reactor.runOnce(timeout: .zero)
        #expect(steps.count == 3)                 // parked: nothing, not even level-triggered readiness

        reactor.update(WatchID(rawValue: 999), .read)   // unknown: ignored
        #expect(poller.registrations.count == 1)
    }

    @Test func droppingWriteInterestInTheErrorStepSkipsTheWriteStep() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var steps: [Readiness] = []
        var id: WatchID?
        id = reactor.watch(8, [.read, .write]) {
            steps.append($0)
            if $0.contains(.error) { reactor.update(id!, .read) }
        }
        poller.ready = [8: [.read, .write, .error]]
        try reactor.runOnce(timeout: .zero)
        #expect(steps == [.error, .read])
    }

    @Test func beforeSleepRunsOncePerTickBeforeTheWait() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var renders = 0
        var rendersSeenByWait: [Int] = []
        reactor.beforeSleep = { renders += 1 }
        poller.onWait = { rendersSeenByWait.append(renders) }
        _ = reactor.watch(3, .read) { _ in }
        poller.ready = [3: .read]
        reactor.schedule(after: .zero) {}
        for _ in 0..<3 { try reactor.runOnce(timeout: .zero) }
        #expect(renders == 3)
        #expect(rendersSeenByWait == [1, 2, 3])
    }

    @Test func timerScheduledByAnFdCallbackUsesThisTicksNow() throws {
        let (reactor, clock, poller) = makeFakeReactor()
        var fired = false
        _ = reactor.watch(3, .read) { _ in
            poller.ready = [:]
            reactor.schedule(after: .milliseconds(100)) { fired = true }
        }
        poller.ready = [3: .read]
        try reactor.runOnce(timeout: .zero)
        #expect(reactor.nextDeadline == reactor.now + .milliseconds(100))
        clock.advance(by: .milliseconds(99))
        try reactor.runOnce(timeout: .zero)
        #expect(!fired)
        try reactor.runOnce(timeout: nil)         // sleeps the last millisecond
        #expect(fired)
    }
}
