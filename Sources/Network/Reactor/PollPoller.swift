#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The production `Poller`: poll(2) over a persistent `pollfd` array.
///
///     pollfds:        [ {fd 5, IN}, {fd 7, IN|OUT}, {fd -1, 0} ]   ← handed to poll(2) as is
///     registrations:  [ (#1, fd 5), (#4, fd 7),     (#9, fd 8) ]   ← same index: token and real fd
///     slots:          [#1: 0, #4: 1, #9: 2]
///
/// A registration with empty interest keeps its slot with `fd = -1`, which poll(2) skips (so no
/// level-triggered hangup can spin the loop). Removal swaps the last slot into the hole: O(1).
/// poll is O(n) in the kernel anyway; at chat scale (tens of sockets) that is nothing.
public final class PollPoller: Poller {
    private var pollfds: [pollfd] = []
    private var registrations: [(token: WatchID, fd: Int32)] = []
    private var slots: [WatchID: Int] = [:]

    public init() {}

    public func add(_ fd: Int32, interest: Interest, token: WatchID) {
        precondition(slots[token] == nil, "\(token) registered twice")
        slots[token] = pollfds.count
        registrations.append((token, fd))
        pollfds.append(pollfd(fd: interest.isEmpty ? -1 : fd, events: Self.events(for: interest), revents: 0))
    }

    public func modify(_ token: WatchID, interest: Interest) {
        guard let index = slots[token] else { return }
        pollfds[index].fd = interest.isEmpty ? -1 : registrations[index].fd
        pollfds[index].events = Self.events(for: interest)
    }

    public func remove(_ token: WatchID) {
        guard let index = slots.removeValue(forKey: token) else { return }
        let last = pollfds.count - 1
        if index != last {
            pollfds[index] = pollfds[last]
            registrations[index] = registrations[last]
            slots[registrations[index].token] = index
        }
        pollfds.removeLast()
        registrations.removeLast()
    }

    public func wait(timeout: Duration?, into events: inout [PollerEvent]) throws {
        events.removeAll(keepingCapacity: true)
        let count = nfds_t(pollfds.count)
        let milliseconds = Self.milliseconds(timeout)
        let ready = pollfds.withUnsafeMutableBufferPointer { poll($0.baseAddress, count, milliseconds) }
        if ready < 0 {
            let code = errno
            if code == EINTR { return }      // a signal: its byte is in the self-pipe, seen next tick
            throw Errno(code, call: "poll")
        }
        guard ready > 0 else { return }
        for index in pollfds.indices where pollfds[index].revents != 0 {
            let readiness = Self.readiness(from: pollfds[index].revents)
            pollfds[index].revents = 0
            events.append(PollerEvent(token: registrations[index].token, readiness: readiness))
        }
    }

    /// The number of registrations (for tests and diagnostics).
    public var registrationCount: Int { pollfds.count }

    // MARK: - Translation

    private static func events(for interest: Interest) -> Int16 {
        var events: Int16 = 0
        if interest.contains(.read) { events |= Int16(POLLIN) }
        if interest.contains(.write) { events |= Int16(POLLOUT) }
        return events
    }

    private static func readiness(from revents: Int16) -> Readiness {
        var readiness: Readiness = []
        if revents & Int16(POLLIN) != 0 { readiness.insert(.read) }
        if revents & Int16(POLLOUT) != 0 { readiness.insert(.write) }
        if revents & (Int16(POLLERR) | Int16(POLLNVAL)) != 0 { readiness.insert(.error) }
        if revents & Int16(POLLHUP) != 0 { readiness.insert(.hangup) }
        return readiness
    }

    /// poll(2) takes whole milliseconds: round UP, so waking "at the deadline" is never early
    /// (an early wake would find no timer due and spin until it is). `nil` = forever (-1).
    static func milliseconds(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        let ns = timeout.nanosecondsClamped
        if ns <= 0 { return 0 }
        let ms = ns / 1_000_000 + (ns % 1_000_000 == 0 ? 0 : 1)
        return Int32(clamping: ms)
    }
}
