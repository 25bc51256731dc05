#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for raw descriptors that are not sockets: stdin, the signal self-pipe, pipes in tests.
/// Sockets have their own types (`TCPSocket`, `TCPListener`) built on the same `Syscall` helper.
public enum FileDescriptor {
    /// Puts `fd` in nonblocking mode (`O_NONBLOCK`), keeping its other status flags.
    public static func setNonBlocking(_ fd: Int32) throws {
        let flags = try Syscall.checked("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        if flags & O_NONBLOCK != 0 { return }
        try Syscall.checked("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Marks `fd` close-on-exec, so a spawned child never inherits it.
    public static func setCloseOnExec(_ fd: Int32) throws {
        let flags = try Syscall.checked("fcntl(F_GETFD)") { fcntl(fd, F_GETFD) }
        try Syscall.checked("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// A pipe whose two ends are nonblocking and close-on-exec.
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        try Syscall.checked("pipe") { ends.withUnsafeMutableBufferPointer { systemPipe($0.baseAddress!) } }
        do {
            for fd in ends {
                try setNonBlocking(fd)
                try setCloseOnExec(fd)
            }
        } catch {
            ends.forEach { close($0) }
            throw error
        }
        return (ends[0], ends[1])
    }

    /// Reads what is available into `buffer` (never blocks on a nonblocking fd).
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> ReadResult {
        precondition(buffer.count > 0, "reading into an empty buffer cannot tell EOF from nothing")
        switch try Syscall.nonBlocking("read", { systemRead(fd, buffer.baseAddress, buffer.count) }) {
        case .wouldBlock: return .wouldBlock
        case .done(0): return .eof
        case .done(let n): return .bytes(n)
        }
    }

    /// Writes a prefix of `bytes`; returns how many were taken, or `nil` if none could be now.
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int? {
        if bytes.isEmpty { return 0 }
        switch try Syscall.nonBlocking("write", { systemWrite(fd, bytes.baseAddress, bytes.count) }) {
        case .wouldBlock: return nil
        case .done(let n): return n
        }
    }

    /// Closes `fd`. Not retried on `EINTR`: on Linux the descriptor is gone either way, and retrying
    /// could close a descriptor another part of the program just opened.
    public static func close(_ fd: Int32) {
        guard fd >= 0 else { return }
        _ = systemClose(fd)
    }
}

// The libc functions shadowed by the static methods above.
private func systemPipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32 { pipe(fds) }
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int { write(fd, p, n) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
