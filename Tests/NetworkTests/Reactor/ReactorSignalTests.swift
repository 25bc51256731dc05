#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Network

@Suite struct ReactorSignalTests {
    /// One test for all signal behaviour: dispositions are per process and tests run in parallel.
    @Test func signalsArriveThroughTheSelfPipe() throws {
        let reactor = Reactor()
        var winches = 0
        var order: [String] = []
        try reactor.onSignal(SIGWINCH) { winches += 1; order.append("first") }
        try reactor.onSignal(SIGWINCH) { order.append("second") }

        kill(getpid(), SIGWINCH)
        kill(getpid(), SIGWINCH)                                 // two at once: coalesced into one delivery
        try drive(reactor) { winches > 0 }
        #expect(winches == 1)
        #expect(order == ["first", "second"])

        kill(getpid(), SIGWINCH)
        try drive(reactor) { winches > 1 }
        #expect(winches == 2)

        let other = Reactor()
        #expect(throws: ReactorError.signalsOwnedByAnotherReactor) {
            try other.onSignal(SIGWINCH) {}
        }
        #expect(throws: ReactorError.unsupportedSignal(300)) {
            try reactor.onSignal(300) {}
        }
    }
}
