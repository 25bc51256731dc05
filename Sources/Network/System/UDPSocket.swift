#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A nonblocking UDP socket: the mDNS multicast sockets (IPv4 and IPv6) and the unicast DNS client.
///
///     let socket = try UDPSocket.bindMulticast(port: 5353)
///     for interface in IPv4Interface.all() where interface.isMulticast { try socket.join(UDPSocket.mdnsGroup, on: interface.address) }
///     reactor.watch(socket.fd, .read) { _ in while let (bytes, from) = try? socket.receive() { … } }
///     try socket.sendMulticast(bytes, group: UDPSocket.mdnsGroup, port: 5353, via: interface.address)
///
///     let six = try UDPSocket.bindMulticastIPv6(port: 5353)              // IPv6 groups go by interface index
///     try six.join(ipv6Group: UDPSocket.mdnsGroupIPv6, interfaceIndex: interface.index)
///     try six.sendMulticast(bytes, ipv6Group: UDPSocket.mdnsGroupIPv6, port: 5353, interfaceIndex: interface.index)
///
/// Errors are `Errno` values naming the call; "would block" is `nil`/`false`, never an error.
public final class UDPSocket {
    /// 224.0.0.251, the mDNS IPv4 group.
    public static let mdnsGroup: [UInt8] = [224, 0, 0, 251]
    /// ff02::fb, the mDNS IPv6 link-local group.
    public static let mdnsGroupIPv6: [UInt8] = [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [0xfb]
    /// Largest datagram `receive` returns whole (the UDP maximum); longer ones cannot exist.
    public static let maxDatagram = 65_535

    /// The descriptor, or -1 after `close`.
    public private(set) var fd: Int32
    public let localAddress: SocketAddress
    private var buffer = [UInt8](repeating: 0, count: UDPSocket.maxDatagram)

    private init(fd: Int32, localAddress: SocketAddress) {
        self.fd = fd
        self.localAddress = localAddress
    }

    deinit { close() }

    /// A plain unicast socket bound to `address` (port 0: the kernel picks one).
    public static func bind(_ address: SocketAddress) throws -> UDPSocket {
        try open(address) { _ in }
    }

    /// A socket on `0.0.0.0:port` for a multicast group: `SO_REUSEADDR` and `SO_REUSEPORT` (other
    /// mDNS responders on this host, python-zeroconf among them, bind 5353 too), multicast loop on
    /// (two nodes on one host must hear each other) and multicast TTL 255 (RFC 6762 §11).
    /// Join the group on each interface with `join(_:on:)`.
    public static func bindMulticast(port: UInt16) throws -> UDPSocket {
        try open(.ipv4(address: [0, 0, 0, 0], port: port)) { fd in
            try SocketCalls.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
            try SocketCalls.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt(SO_REUSEPORT)")
            try SocketCalls.setOption(fd, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, 1, "setsockopt(IP_MULTICAST_LOOP)")
            try SocketCalls.setOption(fd, Int32(IPPROTO_IP), IP_MULTICAST_TTL, 255, "setsockopt(IP_MULTICAST_TTL)")
        }
    }

    /// The same on `[::]:port` for an IPv6 group, `IPV6_V6ONLY` (the IPv4 socket has the port's IPv4
    /// side), with IPv6 multicast loop on and 255 hops. Join the group with `join(ipv6Group:interfaceIndex:)`.
    public static func bindMulticastIPv6(port: UInt16) throws -> UDPSocket {
        try open(.ipv6(address: [UInt8](repeating: 0, count: 16), port: port)) { fd in
            try SocketCalls.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, "setsockopt(IPV6_V6ONLY)")
            try SocketCalls.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
            try SocketCalls.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt(SO_REUSEPORT)")
            try SocketCalls.setOption(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_LOOP, 1, "setsockopt(IPV6_MULTICAST_LOOP)")
            try SocketCalls.setOption(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, 255, "setsockopt(IPV6_MULTICAST_HOPS)")
        }
    }

    private static func open(_ address: SocketAddress, configure: (Int32) throws -> Void) throws -> UDPSocket {
        #if os(Linux)
        let type = Int32(SOCK_DGRAM.rawValue) | SocketConstants.atomicFlags
        #else
        let type = SOCK_DGRAM
        #endif
        let domain = address.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = try Syscall.checked("socket") { socket(domain, type, 0) }
        do {
            try SocketCalls.prepare(fd)
            try configure(fd)
            try address.withSockAddr { sa, length in
                _ = try Syscall.checked("bind") { bindDatagram(fd, sa, length) }
            }
            return UDPSocket(fd: fd, localAddress: try SocketCalls.localAddress(fd))
        } catch {
            FileDescriptor.close(fd)
            throw error
        }
    }

    /// `IP_ADD_MEMBERSHIP` of `group` on the interface with IPv4 address `interface`.
    public func join(_ group: [UInt8], on interface: [UInt8]) throws {
        var request = ip_mreq()
        withUnsafeMutableBytes(of: &request.imr_multiaddr) { $0.copyBytes(from: group) }
        withUnsafeMutableBytes(of: &request.imr_interface) { $0.copyBytes(from: interface) }
        try Syscall.checked("setsockopt(IP_ADD_MEMBERSHIP)") {
            setsockopt(fd, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ip_mreq>.size))
        }
    }

    /// `IPV6_ADD_MEMBERSHIP` of `group` (16 bytes) on the interface with index `interfaceIndex`.
    public func join(ipv6Group group: [UInt8], interfaceIndex: UInt32) throws {
        var request = ipv6_mreq()
        withUnsafeMutableBytes(of: &request.ipv6mr_multiaddr) { $0.copyBytes(from: group) }
        request.ipv6mr_interface = .init(interfaceIndex)
        try Syscall.checked("setsockopt(IPV6_ADD_MEMBERSHIP)") {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ipv6_mreq>.size))
        }
    }

    /// One datagram and its sender, or `nil` when none is waiting.
    public func receive() throws -> (bytes: [UInt8], from: SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = self.fd
        let result: IOResult<Int> = try buffer.withUnsafeMutableBytes { raw in
            try withUnsafeMutablePointer(to: &storage) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    try Syscall.nonBlocking("recvfrom") { recvfrom(fd, raw.baseAddress, raw.count, 0, sa, &length) }
                }
            }
        }
        guard case .done(let count) = result else { return nil }
        return (Array(buffer[0..<count]), try SocketAddress(storage: &storage))
    }

    /// Sends one datagram; `false` when the socket buffer is full (the datagram is dropped, as UDP may).
    @discardableResult
    public func send(_ bytes: [UInt8], to address: SocketAddress) throws -> Bool {
        let fd = self.fd
        let result = try address.withSockAddr { sa, length in
            try bytes.withUnsafeBytes { raw in
                try Syscall.nonBlocking("sendto") { sendto(fd, raw.baseAddress, raw.count, 0, sa, length) }
            }
        }
        if case .done = result { return true }
        return false
    }

    /// Sends to `group:port` out of the interface with address `interface` (`IP_MULTICAST_IF`).
    @discardableResult
    public func sendMulticast(_ bytes: [UInt8], group: [UInt8], port: UInt16, via interface: [UInt8]) throws -> Bool {
        var address = in_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: interface) }
        try Syscall.checked("setsockopt(IP_MULTICAST_IF)") {
            setsockopt(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, &address, socklen_t(MemoryLayout<in_addr>.size))
        }
        return try send(bytes, to: .ipv4(address: group, port: port))
    }

    /// Sends to `[group]:port` out of the interface with index `interfaceIndex` (`IPV6_MULTICAST_IF`).
    @discardableResult
    public func sendMulticast(_ bytes: [UInt8], ipv6Group group: [UInt8], port: UInt16, interfaceIndex: UInt32) throws -> Bool {
        var index = Int32(bitPattern: interfaceIndex)
        try Syscall.checked("setsockopt(IPV6_MULTICAST_IF)") {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, &index, socklen_t(MemoryLayout<Int32>.size))
        }
        return try send(bytes, to: .ipv6(address: group, port: port))
    }

    public func close() {
        guard fd >= 0 else { return }
        FileDescriptor.close(fd)
        fd = -1
    }
}

/// libc `bind`, which the static `UDPSocket.bind` hides inside the class.
private func bindDatagram(_ fd: Int32, _ sa: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(fd, sa, length)
}
