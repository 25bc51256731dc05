#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Network

@Suite struct ErrnoTests {
    @Test func namesAndMessages() {
        let error = Errno(ECONNREFUSED, call: "connect")
        #expect(error.name == "ECONNREFUSED")
        #expect(error.message == String(cString: strerror(ECONNREFUSED)))
        #expect(error.description == "connect: ECONNREFUSED (\(error.message))")
        #expect(Errno(EAGAIN).name == "EAGAIN")
        #expect(Errno(9999).name == "errno 9999")
    }

    @Test func equalityIgnoresTheCall() {
        #expect(Errno(EPIPE, call: "send") == .brokenPipe)
        #expect(Set([Errno(EPIPE, call: "a"), Errno(EPIPE, call: "b")]).count == 1)
        #expect(Errno(EPIPE) != .connectionReset)
    }
}
