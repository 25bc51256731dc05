@testable import Network

/// A scripted `Poller`: tests say which fds are ready; "waiting" advances the manual clock by the
/// whole timeout when nothing is ready (as if the thread slept), and records every timeout asked for.
final class FakePoller: Poller {
    struct Registration: Equatable {
        var fd: Int32
        var interest: Interest
    }

    private(set) var registrations: [WatchID: Registration] = [:]
    /// Timeouts passed to `wait`, in order.
    private(set) var waits: [Duration?] = []
    /// Level-triggered readiness by fd: reported on every wait until the test changes it.
    var ready: [Int32: Readiness] = [:]
    /// Runs at the start of each wait (to observe what happened before the "sleep").
    var onWait: (() -> Void)?
    private let clock: ManualClock

    init(clock: ManualClock) { self.clock = clock }

    func add(_ fd: Int32, interest: Interest, token: WatchID) {
        registrations[token] = Registration(fd: fd, interest: interest)
    }

    func modify(_ token: WatchID, interest: Interest) {
        registrations[token]?.interest = interest
    }

    func remove(_ token: WatchID) {
        registrations[token] = nil
    }

    func wait(timeout: Duration?, into events: inout [PollerEvent]) throws {
        onWait?()
        waits.append(timeout)
        events.removeAll()
        for (token, registration) in registrations.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard !registration.interest.isEmpty, let readiness = ready[registration.fd] else { continue }
            var wanted = readiness.intersection([.error, .hangup])
            if registration.interest.contains(.read) { wanted.formUnion(readiness.intersection(.read)) }
            if registration.interest.contains(.write) { wanted.formUnion(readiness.intersection(.write)) }
            if !wanted.isEmpty { events.append(PollerEvent(token: token, readiness: wanted)) }
        }
        if events.isEmpty, let timeout { clock.advance(by: timeout) }
    }
}

/// A reactor on a manual clock and a fake poller.
func makeFakeReactor() -> (Reactor, ManualClock, FakePoller) {
    let clock = ManualClock()
    let poller = FakePoller(clock: clock)
    return (Reactor(clock: clock, poller: poller), clock, poller)
}
