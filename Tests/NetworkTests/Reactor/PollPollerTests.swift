#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Network

@Suite struct PollPollerTests {
    @Test func timeoutsRoundUpToWholeMilliseconds() {
        #expect(PollPoller.milliseconds(nil) == -1)
        #expect(PollPoller.milliseconds(.zero) == 0)
        #expect(PollPoller.milliseconds(.nanoseconds(-5)) == 0)
        #expect(PollPoller.milliseconds(.nanoseconds(1)) == 1)
        #expect(PollPoller.milliseconds(.milliseconds(7)) == 7)
        #expect(PollPoller.milliseconds(.microseconds(7001)) == 8)
        #expect(PollPoller.milliseconds(.seconds(1 << 40)) == Int32.max)
    }

    @Test func reportsReadinessByTokenAndHonoursInterest() throws {
        let poller = PollPoller()
        let (r, w) = try FileDescriptor.pipe()
        defer { FileDescriptor.close(r); FileDescriptor.close(w) }
        let reader = WatchID(rawValue: 1), writer = WatchID(rawValue: 2)
        poller.add(r, interest: .read, token: reader)
        poller.add(w, interest: .write, token: writer)
        var events: [PollerEvent] = []

        try poller.wait(timeout: .zero, into: &events)
        #expect(events == [PollerEvent(token: writer, readiness: .write)])

        _ = try [UInt8]([42]).withUnsafeBytes { try FileDescriptor.write(w, $0) }
        try poller.wait(timeout: .zero, into: &events)
        #expect(Set(events) == [PollerEvent(token: reader, readiness: .read),
                                PollerEvent(token: writer, readiness: .write)])

        poller.modify(writer, interest: [])             // parked
        try poller.wait(timeout: .zero, into: &events)
        #expect(events == [PollerEvent(token: reader, readiness: .read)])

        poller.remove(reader)                           // swap-remove keeps the other slot right
        poller.modify(writer, interest: .write)
        try poller.wait(timeout: .zero, into: &events)
        #expect(events == [PollerEvent(token: writer, readiness: .write)])
        #expect(poller.registrationCount == 1)
    }

    @Test func hangupIsReportedWhenTheWriterIsGone() throws {
        let poller = PollPoller()
        let (r, w) = try FileDescriptor.pipe()
        defer { FileDescriptor.close(r) }
        poller.add(r, interest: .read, token: WatchID(rawValue: 1))
        FileDescriptor.close(w)
        var events: [PollerEvent] = []
        try poller.wait(timeout: .zero, into: &events)
        #expect(events.first?.readiness.contains(.hangup) == true)
    }
}
