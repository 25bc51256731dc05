#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Platform spellings of socket constants, so the socket types read the same on Linux and Darwin.
enum SocketConstants {
    #if os(Linux)
    static let stream = Int32(SOCK_STREAM.rawValue)
    /// Flags for `socket`/`accept4`: nonblocking and close-on-exec from birth, no window for a leak.
    static let atomicFlags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    /// `send` flag that turns SIGPIPE into an `EPIPE` return.
    static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    static let stream = SOCK_STREAM
    static let atomicFlags: Int32 = 0
    static let noSignal: Int32 = 0
    #endif
}

/// Socket plumbing shared by `TCPSocket` and `TCPListener`. Internal: the public surface is the types.
enum SocketCalls {
    /// A new TCP socket for `address`'s family: nonblocking, close-on-exec, and (on Darwin) SIGPIPE-free.
    static func openStream(for address: SocketAddress) throws -> Int32 {
        let domain = address.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = try Syscall.checked("socket") { socket(domain, SocketConstants.stream | SocketConstants.atomicFlags, 0) }
        do {
            try prepare(fd)
        } catch {
            FileDescriptor.close(fd)
            throw error
        }
        return fd
    }

    /// Makes a descriptor from `socket`/`accept` safe to use: flags Linux sets atomically, Darwin here.
    static func prepare(_ fd: Int32) throws {
        #if !os(Linux)
        try FileDescriptor.setNonBlocking(fd)
        try FileDescriptor.setCloseOnExec(fd)
        try setOption(fd, SOL_SOCKET, SO_NOSIGPIPE, 1, "setsockopt(SO_NOSIGPIPE)")
        #endif
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ call: String) throws {
        var value = value
        try Syscall.checked(call) {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// `TCP_NODELAY`: our writes are already whole frames; Nagle would only add latency.
    static func setNoDelay(_ fd: Int32) throws {
        try setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)")
    }

    /// The pending error of a socket (`SO_ERROR`), which also clears it. 0 = none.
    static func pendingError(_ fd: Int32) throws -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try Syscall.checked("getsockopt(SO_ERROR)") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) }
        return code
    }

    /// `getsockname`: the local address (with the kernel-chosen port after binding port 0).
    static func localAddress(_ fd: Int32) throws -> SocketAddress {
        try address(fd, "getsockname") { getsockname(fd, $0, $1) }
    }

    /// `getpeername`: the connected peer, or `ENOTCONN`.
    static func peerAddress(_ fd: Int32) throws -> SocketAddress {
        try address(fd, "getpeername") { getpeername(fd, $0, $1) }
    }

    private static func address(
        _ fd: Int32, _ call: String,
        _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                _ = try Syscall.checked(call) { body(sa, &length) }
            }
        }
        return try SocketAddress(storage: &storage)
    }
}
