import Testing
@testable import Network

@Suite struct ReactorTimerTests {
    @Test func timersFireByDeadlineThenInSchedulingOrder() throws {
        let (reactor, clock, _) = makeFakeReactor()
        var log: [String] = []
        reactor.schedule(after: .milliseconds(30)) { log.append("30") }
        reactor.schedule(after: .milliseconds(10)) { log.append("10a") }
        reactor.schedule(after: .milliseconds(20)) { log.append("20a") }
        reactor.schedule(after: .milliseconds(20)) { log.append("20b") }
        reactor.schedule(after: .milliseconds(10)) { log.append("10b") }
        clock.advance(by: .milliseconds(50))
        try reactor.runOnce(timeout: .zero)
        #expect(log == ["10a", "10b", "20a", "20b", "30"])
        #expect(reactor.timerCount == 0)
    }

    @Test func eachTickFiresOnlyWhatIsDueAndSleepsUntilTheNext() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var log: [Int] = []
        for ms in [25, 5, 15] { reactor.schedule(after: .milliseconds(ms)) { log.append(ms) } }
        try reactor.runOnce(timeout: nil)
        #expect(log == [5])
        try reactor.runOnce(timeout: nil)
        #expect(log == [5, 15])
        try reactor.runOnce(timeout: .seconds(1))
        #expect(log == [5, 15, 25])
        #expect(poller.waits == [.milliseconds(5), .milliseconds(10), .milliseconds(10)])
    }

    @Test func cancelledTimerNeverFires() throws {
        let (reactor, clock, _) = makeFakeReactor()
        var fired: [String] = []
        let a = reactor.schedule(after: .milliseconds(10)) { fired.append("a") }
        reactor.schedule(after: .milliseconds(10)) { fired.append("b") }
        reactor.cancel(a)
        reactor.cancel(a)                       // twice: harmless
        clock.advance(by: .milliseconds(10))
        try reactor.runOnce(timeout: .zero)
        #expect(fired == ["b"])
    }

    @Test func timerCancellingALaterTimerDueInTheSameTick() throws {
        let (reactor, clock, _) = makeFakeReactor()
        var fired: [String] = []
        var victim: TimerID?
        reactor.schedule(after: .milliseconds(10)) {
            fired.append("killer")
            reactor.cancel(victim!)
        }
        victim = reactor.schedule(after: .milliseconds(10)) { fired.append("victim") }
        clock.advance(by: .milliseconds(20))
        try reactor.runOnce(timeout: .zero)
        #expect(fired == ["killer"])
        try reactor.runOnce(timeout: .zero)
        #expect(fired == ["killer"])
    }

    @Test func timerCancellingItselfOrAFiredTimerIsHarmless() throws {
        let (reactor, clock, _) = makeFakeReactor()
        var count = 0
        var me: TimerID?
        me = reactor.schedule(after: .zero) { count += 1; reactor.cancel(me!) }
        clock.advance(by: .milliseconds(1))
        try reactor.runOnce(timeout: .zero)
        reactor.cancel(me!)
        try reactor.runOnce(timeout: .zero)
        #expect(count == 1)
    }

    @Test func timerRearmingItselfForNowDoesNotStarveTheLoop() throws {
        let (reactor, _, poller) = makeFakeReactor()
        var count = 0
        func arm() { reactor.schedule(after: .zero) { count += 1; arm() } }
        arm()
        for tick in 1...3 {
            try reactor.runOnce(timeout: .seconds(1))   // returns: one firing per tick
            #expect(count == tick)
        }
        #expect(poller.waits == [.zero, .zero, .zero])   // due timer ⇒ do not sleep
    }

    @Test func waitIsBoundedByTheNextTimer() throws {
        let (reactor, _, poller) = makeFakeReactor()
        try reactor.runOnce(timeout: .seconds(1))
        #expect(poller.waits.last == .seconds(1))
        try reactor.runOnce(timeout: nil)
        #expect(poller.waits.last == .some(nil))
        reactor.schedule(after: .milliseconds(50)) {}
        try reactor.runOnce(timeout: .milliseconds(10))
        #expect(poller.waits.last == .milliseconds(10))       // caller's timeout is shorter
        try reactor.runOnce(timeout: .seconds(1))
        #expect(poller.waits.last == .milliseconds(40))       // 50 − the 10 already slept
        #expect(reactor.timerCount == 0)
    }

    @Test func nowIsCachedForTheWholeTick() throws {
        let (reactor, clock, _) = makeFakeReactor()
        var seen: [Instant] = []
        reactor.schedule(after: .milliseconds(5)) {
            seen.append(reactor.now)
            clock.advance(by: .milliseconds(100))    // a slow callback
            seen.append(reactor.now)
        }
        reactor.schedule(after: .milliseconds(5)) { seen.append(reactor.now) }
        try reactor.runOnce(timeout: nil)
        #expect(seen.count == 3)
        #expect(Set(seen).count == 1)
        try reactor.runOnce(timeout: .zero)
        #expect(reactor.now == seen[0] + .milliseconds(100))
    }

    @Test func scheduleAfterCountsFromTheTicksNowInsideCallbacksAndTheClockOutside() throws {
        let (reactor, clock, _) = makeFakeReactor()
        clock.advance(by: .seconds(3))           // setup took a while: no tick has seen it
        let outside = reactor.schedule(after: .seconds(1)) {}
        #expect(reactor.nextDeadline == clock.now + .seconds(1))
        reactor.cancel(outside)

        var inside: Instant?
        reactor.schedule(after: .zero) {
            clock.advance(by: .seconds(5))       // a slow callback
            reactor.schedule(after: .seconds(1)) {}
            inside = reactor.nextDeadline
        }
        try reactor.runOnce(timeout: .zero)
        #expect(inside == reactor.now + .seconds(1))
    }

    @Test func runReturnsAfterStop() throws {
        let (reactor, _, _) = makeFakeReactor()
        var fired: [String] = []
        reactor.schedule(after: .milliseconds(10)) { fired.append("stop"); reactor.stop() }
        reactor.schedule(after: .milliseconds(20)) { fired.append("late"); reactor.stop() }
        try reactor.run()
        #expect(fired == ["stop"])
        try reactor.run()                         // run again: continues until stopped again
        #expect(fired == ["stop", "late"])
    }
}

extension ReactorTimerTests {
    /// `run()` above only ends because a timer stops it; this one stops from beforeSleep.
    @Test func stopFromBeforeSleepEndsRunAfterThatTick() throws {
        let (reactor, _, poller) = makeFakeReactor()
        reactor.beforeSleep = { reactor.stop() }
        try reactor.run()
        #expect(poller.waits.count == 1)
    }
}
