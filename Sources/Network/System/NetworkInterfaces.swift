#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host's interface addresses (getifaddrs), for advertising wildcard listeners.
public enum NetworkInterfaces {
    /// Every IPv4 and IPv6 address of an interface that is up, loopback first.
    public static func addresses() -> [SocketAddress] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0, let first = head else { return [] }
        defer { freeifaddrs(head) }
        var loopback: [SocketAddress] = []
        var others: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let flags = Int32(entry.pointee.ifa_flags)
            guard flags & Int32(IFF_UP) != 0, let sa = entry.pointee.ifa_addr else { continue }
            let address: SocketAddress?
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                address = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    withUnsafeBytes(of: sin.pointee.sin_addr) { .ipv4(address: Array($0), port: 0) }
                }
            case AF_INET6:
                address = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                    withUnsafeBytes(of: sin.pointee.sin6_addr) { .ipv6(address: Array($0), port: 0) }
                }
            default:
                address = nil
            }
            guard let address else { continue }
            if flags & Int32(IFF_LOOPBACK) != 0 { loopback.append(address) } else { others.append(address) }
        }
        return loopback + others
    }
}
