/// The one event loop: every fd, timer and signal of the process is multiplexed here, on one thread.
///
/// One tick (`runOnce`) reads like this:
///
///     ┌─ beforeSleep()                          render the screen, flush outboxes — once per tick
///     ├─ poller.wait(≤ timeout, ≤ next timer)   the only place the thread sleeps
///     ├─ now = clock.now                        cached: every callback this tick sees the same now
///     ├─ dispatch fds, each in a fixed order:   error/hangup ─► write ─► read
///     │                                         (re-checked between steps: still watched? still wanted?)
///     └─ timers: collect all due at `now`,      a timer re-arming itself for "now" lands in the
///        then fire them in (deadline, id) order next tick's batch, so it cannot starve the loop
///
/// Callbacks may watch, update, unwatch, schedule and cancel freely, including during dispatch:
/// `unwatch` of an fd whose event is still queued this tick just skips it, and `cancel` of a timer
/// already collected for this tick stops it from firing. Not thread-safe by design: touch a reactor
/// only from the thread that runs it (no locks, no Dispatch, no async).
public final class Reactor {
    private struct Watch {
        let fd: Int32
        var interest: Interest
        let onReady: (Readiness) -> Void
    }

    private let clock: TimeSource
    private let poller: Poller
    private var watches: [WatchID: Watch] = [:]
    private var nextWatch: UInt64 = 1
    private var timers = TimerHeap<() -> Void>()
    /// Timers collected as due this tick and not yet fired; `cancel` removes from here too.
    private var collected: Set<TimerID> = []
    private var events: [PollerEvent] = []
    private var inTick = false
    private var stopRequested = false

    /// Signal delivery (see `Reactor+Signals.swift`).
    var signalPipe: SignalPipe?
    var signalWatch: WatchID?
    var signalHandlers: [Int32: [() -> Void]] = [:]

    /// The time at the start of this tick's dispatch: read once per tick from the clock.
    public private(set) var now: Instant

    /// The clock read afresh, for measurements finer than a tick (ping round trips on loopback
    /// complete within one tick's reads).
    public var preciseNow: Instant { clock.now }

    /// Called at the start of every tick, just before the wait: draw the screen here, once.
    public var beforeSleep: (() -> Void)?

    /// A tick whose callbacks took longer than `slowTickThreshold` (all of them, from the end of the wait) is
    /// reported here: for that long every socket, timer and keystroke waited. The app logs it, so a stall
    /// (a blocking disk, a long computation) can be found afterwards. Costs one clock read per tick.
    public var onSlowTick: ((SlowTick) -> Void)?
    public var slowTickThreshold: Duration = Reactor.defaultSlowTickThreshold
    public static let defaultSlowTickThreshold: Duration = .milliseconds(100)

    /// One slow tick: how long its callbacks ran, and how many fd events and timers they were.
    public struct SlowTick: Sendable {
        public var duration: Duration
        public var fdEvents: Int
        public var timers: Int
    }

    public init(clock: TimeSource = MonotonicClock(), poller: Poller = PollPoller()) {
        self.clock = clock
        self.poller = poller
        self.now = clock.now
    }

    deinit {
        signalPipe?.release(by: ObjectIdentifier(self))
    }

    /// How many fds are watched, and how many timers are pending (for diagnostics and leak tests).
    public var watchCount: Int { watches.count }
    public var timerCount: Int { timers.count }

    // MARK: - File descriptors

    /// Starts watching `fd`. `onReady` runs on this thread, up to three times per tick (once per
    /// dispatch step), each time with only that step's bits: `[.error, .hangup]` ∩ ready, `.write`, `.read`.
    public func watch(_ fd: Int32, _ interest: Interest, _ onReady: @escaping (Readiness) -> Void) -> WatchID {
        let id = WatchID(rawValue: nextWatch)
        nextWatch += 1
        watches[id] = Watch(fd: fd, interest: interest, onReady: onReady)
        poller.add(fd, interest: interest, token: id)
        return id
    }

    /// Changes what `id` is told about. Cheap when nothing changes, so callers may call it freely
    /// (e.g. "write interest iff the outbox is non-empty" after every write). Unknown IDs are ignored.
    public func update(_ id: WatchID, _ interest: Interest) {
        guard let current = watches[id]?.interest, current != interest else { return }
        watches[id]?.interest = interest
        poller.modify(id, interest: interest)
    }

    /// Stops watching. Safe during dispatch (pending events for `id` are dropped) and idempotent.
    /// Unwatch before closing the fd: the kernel reuses fd numbers at once.
    public func unwatch(_ id: WatchID) {
        guard watches.removeValue(forKey: id) != nil else { return }
        poller.remove(id)
    }

    // MARK: - Timers

    /// Runs `body` once, `after` from now: inside a callback that is this tick's cached `now` (the
    /// same instant the callback hands to its machines); outside any tick (setup code) the clock.
    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> TimerID {
        schedule(at: (inTick ? now : clock.now) + delay, body)
    }

    /// Runs `body` once at the first tick whose `now` is at or past `deadline`.
    /// Equal deadlines fire in scheduling order.
    @discardableResult
    public func schedule(at deadline: Instant, _ body: @escaping () -> Void) -> TimerID {
        timers.insert(body, at: deadline)
    }

    /// Cancels a pending timer; harmless if it already fired or was cancelled.
    public func cancel(_ id: TimerID) {
        if timers.remove(id) == nil { collected.remove(id) }
    }

    /// The earliest pending timer deadline.
    public var nextDeadline: Instant? { timers.nextDeadline }

    // MARK: - Running

    /// Runs one tick (see the type's doc). Waits at most `timeout` (`nil` = until something happens),
    /// and never past the next timer's deadline. Must not be called from inside a callback.
    public func runOnce(timeout: Duration?) throws {
        precondition(!inTick, "Reactor.runOnce called re-entrantly from a callback")
        inTick = true
        defer { inTick = false }

        beforeSleep?()
        try poller.wait(timeout: waitBudget(timeout), into: &events)
        now = clock.now
        let fdEvents = events.count
        dispatchEvents()
        let timersFired = fireDueTimers()
        if let onSlowTick {
            let spent = clock.now - now
            if spent > slowTickThreshold { onSlowTick(SlowTick(duration: spent, fdEvents: fdEvents, timers: timersFired)) }
        }
    }

    /// Runs ticks until `stop()` is called (from a callback or signal handler body).
    public func run() throws {
        defer { stopRequested = false }
        while !stopRequested {
            try runOnce(timeout: nil)
        }
    }

    /// Makes `run()` return after the current tick.
    public func stop() {
        stopRequested = true
    }

    // MARK: - Tick phases

    /// The wait: `timeout`, shortened to the next timer's deadline (zero if one is already due).
    /// Reads the clock afresh so time spent in callbacks since `now` is not slept on top.
    private func waitBudget(_ timeout: Duration?) -> Duration? {
        guard let deadline = timers.nextDeadline else { return timeout }
        let current = clock.now
        let untilTimer = deadline > current ? deadline - current : .zero
        guard let timeout else { return untilTimer }
        return min(timeout, untilTimer)
    }

    private func dispatchEvents() {
        for event in events {
            dispatch(event.readiness, to: event.token)
        }
        events.removeAll(keepingCapacity: true)
    }

    /// error/hangup ─► write ─► read; each step re-reads the watch, since the previous step's
    /// callback may have unwatched it or changed its interest.
    private func dispatch(_ readiness: Readiness, to id: WatchID) {
        let trouble = readiness.intersection([.error, .hangup])
        if !trouble.isEmpty, let watch = watches[id] {
            watch.onReady(trouble)
        }
        if readiness.contains(.write), let watch = watches[id], watch.interest.contains(.write) {
            watch.onReady(.write)
        }
        if readiness.contains(.read), let watch = watches[id], watch.interest.contains(.read) {
            watch.onReady(.read)
        }
    }

    /// Collect first, then fire: timers scheduled by these callbacks wait for a later tick. Returns how many fired.
    @discardableResult
    private func fireDueTimers() -> Int {
        guard let first = timers.nextDeadline, first <= now else { return 0 }
        var due: [(id: TimerID, payload: () -> Void)] = []
        while let timer = timers.popFirst(dueBy: now) {
            due.append(timer)
            collected.insert(timer.id)
        }
        var fired = 0
        for timer in due where collected.remove(timer.id) != nil {
            timer.payload()
            fired += 1
        }
        return fired
    }
}
