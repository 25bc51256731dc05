#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a nonblocking read produced.
public enum ReadResult: Hashable, Sendable {
    /// `n > 0` bytes were stored at the start of the buffer.
    case bytes(Int)
    /// Nothing to read now; wait for `.read` readiness.
    case wouldBlock
    /// The peer closed its sending side (or the pipe's writer is gone). No more bytes will come.
    case eof
}

/// The outcome of a syscall on a nonblocking descriptor: done, or "try again when ready".
enum IOResult<T> {
    case done(T)
    case wouldBlock
}

/// The one place raw libc calls are made and their `errno` interpreted (like NIO's `syscall` helper).
///
///     -1 ──► errno == EINTR                ──► call again
///        ──► errno == EAGAIN/EWOULDBLOCK   ──► .wouldBlock
///        ──► anything else                 ──► throw Errno(errno, call: name)
///     ≥0 ──► .done(result)
enum Syscall {
    /// Runs a call that returns -1 and sets `errno` on failure, retrying `EINTR`.
    static func nonBlocking<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws -> IOResult<T> {
        while true {
            let result = body()
            if result != -1 { return .done(result) }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw Errno(code, call: call)
            }
        }
    }

    /// Like `nonBlocking`, for calls where "would block" cannot happen or is itself an error.
    @discardableResult
    static func checked<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw Errno(code, call: call)
        }
    }
}
