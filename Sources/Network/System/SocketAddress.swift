#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP socket address in plain Swift values; converts to and from C `sockaddr` at the syscall edge.
///
///     .ipv4(address: [127, 0, 0, 1], port: 4001)          "127.0.0.1:4001"
///     .ipv6(address: [0, ..., 0, 1] /* 16 */, port: 4001)  "[::1]:4001"
///
/// Ports are in host byte order here; the conversion swaps them.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    case ipv4(address: [UInt8], port: UInt16)
    case ipv6(address: [UInt8], port: UInt16)

    /// Which address families `resolve` may return.
    public enum Family: Hashable, Sendable {
        case any, ipv4, ipv6
    }

    /// Parses a numeric IP literal (`"127.0.0.1"`, `"::1"`). No name lookup.
    public init(ip: String, port: UInt16) throws {
        var v4 = in_addr()
        if inet_pton(AF_INET, ip, &v4) == 1 {
            self = .ipv4(address: withUnsafeBytes(of: &v4) { Array($0) }, port: port)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, ip, &v6) == 1 {
            self = .ipv6(address: withUnsafeBytes(of: &v6) { Array($0) }, port: port)
            return
        }
        throw SocketAddressError.invalidIP(ip)
    }

    /// `127.0.0.1:port`.
    public static func loopbackIPv4(port: UInt16) -> SocketAddress { .ipv4(address: [127, 0, 0, 1], port: port) }

    /// `[::1]:port`.
    public static func loopbackIPv6(port: UInt16) -> SocketAddress {
        .ipv6(address: [UInt8](repeating: 0, count: 15) + [1], port: port)
    }

    public var port: UInt16 {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port): return port
        }
    }

    public var family: Family {
        switch self {
        case .ipv4: return .ipv4
        case .ipv6: return .ipv6
        }
    }

    /// The raw address bytes (4 or 16).
    public var addressBytes: [UInt8] {
        switch self {
        case .ipv4(let a, _), .ipv6(let a, _): return a
        }
    }

    /// The same address with another port.
    public func withPort(_ port: UInt16) -> SocketAddress {
        switch self {
        case .ipv4(let a, _): return .ipv4(address: a, port: port)
        case .ipv6(let a, _): return .ipv6(address: a, port: port)
        }
    }

    /// The address without the port, as `inet_ntop` prints it (`"::1"`, `"10.0.0.7"`).
    public var ipString: String {
        let (af, bytes): (Int32, [UInt8]) = {
            switch self {
            case .ipv4(let a, _): return (AF_INET, a)
            case .ipv6(let a, _): return (AF_INET6, a)
            }
        }()
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = bytes.withUnsafeBytes { inet_ntop(af, $0.baseAddress, &text, socklen_t(text.count)) } != nil
        return ok ? String(cString: text) : bytes.map(String.init).joined(separator: ".")
    }

    public var description: String {
        switch self {
        case .ipv4: return "\(ipString):\(port)"
        case .ipv6: return "[\(ipString)]:\(port)"
        }
    }
}

/// Why an address could not be built or looked up.
public enum SocketAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidIP(String)
    case unsupportedFamily(Int32)
    /// `getaddrinfo` failed; `message` is `gai_strerror(code)`.
    case resolveFailed(host: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .invalidIP(let text): return "not an IP address: \(text)"
        case .unsupportedFamily(let af): return "unsupported address family \(af)"
        case .resolveFailed(let host, _, let message): return "cannot resolve \(host): \(message)"
        }
    }
}

// MARK: - sockaddr conversion

extension SocketAddress {
    /// Calls `body` with this address as a C `sockaddr` and its length.
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        switch self {
        case .ipv4(let address, let port):
            precondition(address.count == 4, "IPv4 address must be 4 bytes")
            var sin = sockaddr_in()
            #if canImport(Darwin)
            sin.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
            #endif
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address) }
            return try withUnsafePointer(to: &sin) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6(let address, let port):
            precondition(address.count == 16, "IPv6 address must be 16 bytes")
            var sin6 = sockaddr_in6()
            #if canImport(Darwin)
            sin6.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
            #endif
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address) }
            return try withUnsafePointer(to: &sin6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// Reads a C `sockaddr` of family `AF_INET` or `AF_INET6`.
    public init(sockaddr pointer: UnsafePointer<sockaddr>) throws {
        let family = Int32(pointer.pointee.sa_family)
        switch family {
        case AF_INET:
            self = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var addr = sin.pointee.sin_addr
                return .ipv4(address: withUnsafeBytes(of: &addr) { Array($0) },
                             port: UInt16(bigEndian: sin.pointee.sin_port))
            }
        case AF_INET6:
            self = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                var addr = sin6.pointee.sin6_addr
                return .ipv6(address: withUnsafeBytes(of: &addr) { Array($0) },
                             port: UInt16(bigEndian: sin6.pointee.sin6_port))
            }
        default:
            throw SocketAddressError.unsupportedFamily(family)
        }
    }

    /// Reads a `sockaddr_storage` filled in by `accept`, `getsockname` or `getpeername`.
    init(storage: inout sockaddr_storage) throws {
        self = try withUnsafePointer(to: &storage) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try SocketAddress(sockaddr: $0) }
        }
    }
}

// MARK: - Name resolution

extension SocketAddress {
    /// Looks `host` up with `getaddrinfo` (numeric literals are returned as-is, without a query).
    ///
    /// This BLOCKS while DNS is consulted: never call it on the reactor thread for a name that may need the
    /// network (the host runs it on a lookup thread: `Host+Lookups`). Results keep the resolver's order,
    /// without duplicates.
    public static func resolve(host: String, port: UInt16, family: Family = .any) throws -> [SocketAddress] {
        var hints = addrinfo()
        switch family {
        case .any: hints.ai_family = AF_UNSPEC
        case .ipv4: hints.ai_family = AF_INET
        case .ipv6: hints.ai_family = AF_INET6
        }
        hints.ai_socktype = SocketConstants.stream
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0 else {
            let message = rc == EAI_SYSTEM ? Errno.current(call: "getaddrinfo").message
                                           : String(cString: gai_strerror(rc))
            throw SocketAddressError.resolveFailed(host: host, code: rc, message: message)
        }
        defer { freeaddrinfo(list) }
        var found: [SocketAddress] = []
        var node = list
        while let entry = node {
            if let sa = entry.pointee.ai_addr, let address = try? SocketAddress(sockaddr: sa),
               !found.contains(address) {
                found.append(address)
            }
            node = entry.pointee.ai_next
        }
        return found
    }
}
