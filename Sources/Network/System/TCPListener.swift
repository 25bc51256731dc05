#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A nonblocking listening TCP socket.
///
///     let listener = try TCPListener.bind(.loopbackIPv4(port: 0))
///     print(listener.localAddress)                      // 127.0.0.1:41873 — the real port
///     reactor.watch(listener.fd, .read) { _ in
///         while let socket = try? listener.accept() { ... }   // nil: backlog drained
///     }
///
/// `SO_REUSEADDR` is set so a restarted node can rebind its port while old connections sit in
/// TIME_WAIT. IPv6 listeners are `IPV6_V6ONLY`, so `/ip4` and `/ip6` listeners on one port coexist.
public final class TCPListener {
    /// The descriptor, or -1 after `close`.
    public private(set) var fd: Int32
    /// The bound address, read back with `getsockname` (port 0 becomes the kernel's choice).
    public let localAddress: SocketAddress

    private init(fd: Int32, localAddress: SocketAddress) {
        self.fd = fd
        self.localAddress = localAddress
    }

    deinit { close() }

    /// Opens, binds and listens on `address`.
    public static func bind(_ address: SocketAddress, backlog: Int32 = 128) throws -> TCPListener {
        let fd = try SocketCalls.openStream(for: address)
        do {
            try SocketCalls.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
            if address.family == .ipv6 {
                try SocketCalls.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, "setsockopt(IPV6_V6ONLY)")
            }
            try address.withSockAddr { sa, length in
                _ = try Syscall.checked("bind") { systemBind(fd, sa, length) }
            }
            try Syscall.checked("listen") { listen(fd, backlog) }
            return TCPListener(fd: fd, localAddress: try SocketCalls.localAddress(fd))
        } catch {
            FileDescriptor.close(fd)
            throw error
        }
    }

    /// Accepts one pending connection: nonblocking, close-on-exec, `TCP_NODELAY`.
    /// Returns `nil` when the backlog is empty, and also for a connection that died while queued
    /// (`ECONNABORTED` and kin): call again until `nil`, or until the next `.read`.
    ///
    /// Throws `Errno.tooManyOpenFiles` (`EMFILE`/`ENFILE`) when out of descriptors. The pending
    /// connection stays queued and poll keeps reporting it, so the caller should stop watching the
    /// listener for a while (a timer) rather than spin.
    public func accept() throws -> TCPSocket? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result: IOResult<Int32>
        do {
            result = try withUnsafeMutablePointer(to: &storage) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    try Syscall.nonBlocking("accept") { systemAccept(fd, sa, &length) }
                }
            }
        } catch let error as Errno where TCPListener.transientAcceptErrors.contains(error) {
            return nil
        }
        guard case .done(let client) = result else { return nil }
        let socket = TCPSocket(fd: client, remoteAddress: try? SocketAddress(storage: &storage))
        // On error below, `socket` closes the fd as it is released.
        if accept4Function == nil {
            try FileDescriptor.setNonBlocking(client)
            try FileDescriptor.setCloseOnExec(client)
        }
        try SocketCalls.prepare(client)
        try SocketCalls.setNoDelay(client)
        return socket
    }

    /// Errors that doom only the one queued connection, not the listener (accept(2), "Error
    /// handling"): that connection is dropped and the caller carries on as if the backlog were empty.
    private static let transientAcceptErrors: Set<Errno> = [
        .connectionAborted, Errno(EPROTO), Errno(ENETDOWN), Errno(ENOPROTOOPT), Errno(EHOSTDOWN),
        Errno(EHOSTUNREACH), Errno(EOPNOTSUPP), Errno(ENETUNREACH),
    ]

    /// Stops listening and closes the descriptor. Safe to call more than once.
    public func close() {
        guard fd >= 0 else { return }
        FileDescriptor.close(fd)
        fd = -1
    }
}

private func systemBind(_ fd: Int32, _ sa: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(fd, sa, length)
}

private func systemAccept(_ fd: Int32, _ sa: UnsafeMutablePointer<sockaddr>, _ length: inout socklen_t) -> Int32 {
    if let accept4 = accept4Function {
        return accept4(fd, sa, &length, SocketConstants.atomicFlags)
    }
    return accept(fd, sa, &length)   // the caller then sets the flags one by one
}

/// `accept4(2)` is a GNU extension the Glibc module map does not export, so it is looked up once
/// through the dynamic linker and called with the C calling convention. `nil` on Darwin (no accept4).
private typealias Accept4 = @convention(c) (
    Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
) -> Int32

private let accept4Function: Accept4? = {
    #if os(Linux)
    // RTLD_DEFAULT is a null handle on glibc: search every loaded object.
    return dlsym(nil, "accept4").map { unsafeBitCast($0, to: Accept4.self) }
    #else
    return nil
    #endif
}()
