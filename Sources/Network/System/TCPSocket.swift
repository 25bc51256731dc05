#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A nonblocking TCP connection: the fd a `Reactor` watches, plus reads and writes that report
/// "would block" as a value instead of an error.
///
/// Dialing, as the `Host` drives it:
///
///     let s = try TCPSocket.connect(to: addr)          // returns at once (EINPROGRESS)
///     id = reactor.watch(s.fd, .write) { _ in           // writable ⇒ the handshake finished
///         do { try s.finishConnect() }                  // SO_ERROR: ECONNREFUSED, ETIMEDOUT, ...
///         catch { reactor.unwatch(id); s.close(); ... }
///         reactor.update(id, .read)                     // connected: from now on, read
///     }
///
/// Lifetime: `unwatch` before `close` (a closed fd number is recycled by the kernel at once).
/// `close` is idempotent and also runs on deinit. SIGPIPE never fires: writes to a dead peer throw
/// `Errno.brokenPipe` or `Errno.connectionReset` instead.
public final class TCPSocket {
    /// The descriptor, or -1 after `close`.
    public private(set) var fd: Int32
    /// The peer: the dialed address, or the one `accept` reported.
    public let remoteAddress: SocketAddress?

    /// Adopts a connected (or connecting) nonblocking TCP socket. The socket owns `fd` from now on.
    public init(fd: Int32, remoteAddress: SocketAddress?) {
        self.fd = fd
        self.remoteAddress = remoteAddress
    }

    deinit { close() }

    /// Our end of the connection (`getsockname`); `nil` once closed or if the kernel cannot say.
    public var localAddress: SocketAddress? {
        fd >= 0 ? try? SocketCalls.localAddress(fd) : nil
    }

    /// Starts a nonblocking connect with `TCP_NODELAY` set. Completion is signalled by write
    /// readiness; then call `finishConnect()` to learn whether it succeeded.
    /// Throws only errors the kernel reports at once (`ENETUNREACH`, sometimes `ECONNREFUSED`).
    public static func connect(to address: SocketAddress) throws -> TCPSocket {
        let fd = try SocketCalls.openStream(for: address)
        let socket = TCPSocket(fd: fd, remoteAddress: address)   // closes fd if we throw below
        try SocketCalls.setNoDelay(fd)
        let started = address.withSockAddr { sa, length in systemConnect(fd, sa, length) }
        if started == 0 { return socket }                       // loopback may connect at once
        let code = errno
        switch code {
        case EINPROGRESS, EINTR: return socket                  // EINTR: the connect goes on anyway
        default: throw Errno(code, call: "connect")
        }
    }

    /// Reports how a nonblocking connect ended: returns if connected, else throws the socket's
    /// pending error (`SO_ERROR`) as an `Errno` with call `"connect"`.
    public func finishConnect() throws {
        let code = try SocketCalls.pendingError(fd)
        if code != 0 { throw Errno(code, call: "connect") }
    }

    /// Reads what the kernel has, up to `buffer.count` bytes (`buffer` must not be empty).
    /// Peer resets surface as a thrown `Errno.connectionReset`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> ReadResult {
        precondition(buffer.count > 0, "reading into an empty buffer cannot tell EOF from nothing")
        switch try Syscall.nonBlocking("recv", { recv(fd, buffer.baseAddress, buffer.count, 0) }) {
        case .wouldBlock: return .wouldBlock
        case .done(0): return .eof
        case .done(let n): return .bytes(n)
        }
    }

    /// Reads into the whole of a reusable array (whose count is the maximum read size);
    /// `.bytes(n)` means `buffer[0..<n]` is new data.
    public func read(into buffer: inout [UInt8]) throws -> ReadResult {
        try buffer.withUnsafeMutableBytes { try read(into: $0) }
    }

    /// Writes a prefix of `bytes`: returns how many the kernel took (possibly fewer than offered),
    /// or `nil` if the send buffer is full (wait for `.write`). Dead peers throw
    /// `Errno.brokenPipe` / `Errno.connectionReset`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws -> Int? {
        if bytes.isEmpty { return 0 }
        let flags = SocketConstants.noSignal
        switch try Syscall.nonBlocking("send", { send(fd, bytes.baseAddress, bytes.count, flags) }) {
        case .wouldBlock: return nil
        case .done(let n): return n
        }
    }

    /// `write(_:)` for an array slice (an outbox's unsent tail, typically).
    public func write(_ bytes: ArraySlice<UInt8>) throws -> Int? {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Half-close: sends FIN, the peer reads EOF; we can still read. Errors (e.g. `ENOTCONN`
    /// after a reset) are ignored: the next read or write reports the connection's fate.
    public func shutdownWrite() {
        guard fd >= 0 else { return }
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes the descriptor. Safe to call more than once.
    public func close() {
        guard fd >= 0 else { return }
        FileDescriptor.close(fd)
        fd = -1
    }
}

private func systemConnect(_ fd: Int32, _ sa: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, sa, length)
}
