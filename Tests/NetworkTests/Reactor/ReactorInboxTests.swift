import Dispatch
import Testing
@testable import Network

/// `ReactorInbox`: values posted from other threads wake a reactor blocked in poll and arrive on its thread,
/// every one, each thread's in the order it posted them.
@Suite("ReactorInbox: values from other threads")
struct ReactorInboxTests {
    @Test("4 threads × 500 values: all delivered, each thread's in order, on the reactor thread")
    func manyThreads() throws {
        let reactor = Reactor(poller: PollPoller())
        let inbox = try ReactorInbox<(thread: Int, n: Int)>()
        var received: [[Int]] = Array(repeating: [], count: 4)
        inbox.attach(to: reactor) { received[$0.thread].append($0.n) }
        defer { inbox.detach() }
        let group = DispatchGroup()
        for thread in 0..<4 {
            DispatchQueue.global().async(group: group) {
                for n in 0..<500 { inbox.post((thread, n)) }
            }
        }
        var ticks = 0
        while received.map(\.count).reduce(0, +) < 2000 && ticks < 10_000 {
            try reactor.runOnce(timeout: .seconds(5))   // blocks in poll until a post wakes it
            ticks += 1
        }
        group.wait()
        #expect(received == Array(repeating: Array(0..<500), count: 4))
        #expect(ticks < 2000, "posts are batched per wake-up: \(ticks) ticks")
    }

    @Test("a value posted before attach waits, and after detach values wait for the next attach")
    func attachDetach() throws {
        let reactor = Reactor(poller: PollPoller())
        let inbox = try ReactorInbox<Int>()
        inbox.post(1)
        var got: [Int] = []
        inbox.attach(to: reactor) { got.append($0) }
        try reactor.runOnce(timeout: .seconds(5))
        #expect(got == [1])
        inbox.detach()
        inbox.post(2)
        try reactor.runOnce(timeout: .milliseconds(20))
        #expect(got == [1])
        inbox.attach(to: reactor) { got.append($0) }
        try reactor.runOnce(timeout: .seconds(5))
        #expect(got == [1, 2])
        inbox.detach()
    }
}
