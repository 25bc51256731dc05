#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One IPv4 address of an interface that is up, with what multicast and subnet checks need.
public struct IPv4Interface: Hashable, Sendable {
    public var name: String
    public var address: [UInt8]
    public var netmask: [UInt8]
    public var isLoopback: Bool
    /// `IFF_MULTICAST`: the interface can carry multicast (loopback usually cannot say so).
    public var isMulticast: Bool

    public init(name: String, address: [UInt8], netmask: [UInt8], isLoopback: Bool, isMulticast: Bool) {
        self.name = name
        self.address = address
        self.netmask = netmask
        self.isLoopback = isLoopback
        self.isMulticast = isMulticast
    }

    /// True when `other` is on this interface's subnet.
    public func contains(_ other: [UInt8]) -> Bool {
        guard other.count == 4, address.count == 4, netmask.count == 4 else { return false }
        return (0..<4).allSatisfy { address[$0] & netmask[$0] == other[$0] & netmask[$0] }
    }

    /// Every IPv4 address of every interface that is up (getifaddrs).
    public static func all() -> [IPv4Interface] {
        InterfaceList.entries(family: AF_INET).map {
            IPv4Interface(name: $0.name, address: $0.address, netmask: $0.netmask,
                          isLoopback: $0.isLoopback, isMulticast: $0.isMulticast)
        }
    }
}

/// An interface that is up with IPv6 on it: IPv6 multicast is joined and sent by interface index, not
/// by address, and link-local addresses mean nothing without that index.
public struct IPv6Interface: Hashable, Sendable {
    public var name: String
    /// `if_nametoindex`: what `IPV6_ADD_MEMBERSHIP` and `IPV6_MULTICAST_IF` take.
    public var index: UInt32
    /// Every IPv6 address on it (16 bytes each), link-local included.
    public var addresses: [[UInt8]]
    public var isLoopback: Bool
    public var isMulticast: Bool

    public init(name: String, index: UInt32, addresses: [[UInt8]], isLoopback: Bool, isMulticast: Bool) {
        self.name = name
        self.index = index
        self.addresses = addresses
        self.isLoopback = isLoopback
        self.isMulticast = isMulticast
    }

    /// Every interface that is up and has an IPv6 address, its addresses gathered (getifaddrs).
    public static func all() -> [IPv6Interface] {
        var result: [IPv6Interface] = []
        for entry in InterfaceList.entries(family: AF_INET6) {
            if let i = result.firstIndex(where: { $0.name == entry.name }) {
                result[i].addresses.append(entry.address)
                continue
            }
            let index = if_nametoindex(entry.name)
            guard index != 0 else { continue }   // gone since getifaddrs
            result.append(IPv6Interface(name: entry.name, index: index, addresses: [entry.address],
                                        isLoopback: entry.isLoopback, isMulticast: entry.isMulticast))
        }
        return result
    }

    /// Whether `address` (16 bytes) is link-local (fe80::/10): reachable only with an interface index.
    public static func isLinkLocal(_ address: [UInt8]) -> Bool {
        address.count == 16 && address[0] == 0xfe && address[1] & 0xc0 == 0x80
    }
}

/// getifaddrs, flattened: the addresses of interfaces that are up, in the kernel's order.
enum InterfaceList {
    struct Entry {
        var name: String
        var family: Int32
        var address: [UInt8]
        var netmask: [UInt8]
        var isLoopback: Bool
        var isMulticast: Bool
    }

    /// Entries of `family` (`AF_INET` or `AF_INET6`), or of both when nil.
    static func entries(family: Int32? = nil) -> [Entry] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0, let first = head else { return [] }
        defer { freeifaddrs(head) }
        var result: [Entry] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let flags = Int32(entry.pointee.ifa_flags)
            guard flags & Int32(IFF_UP) != 0, let sa = entry.pointee.ifa_addr else { continue }
            let found = Int32(sa.pointee.sa_family)
            guard found == AF_INET || found == AF_INET6, family == nil || found == family else { continue }
            result.append(Entry(name: String(cString: entry.pointee.ifa_name), family: found,
                                address: bytes(sa, family: found), netmask: bytes(entry.pointee.ifa_netmask, family: found),
                                isLoopback: flags & Int32(IFF_LOOPBACK) != 0,
                                isMulticast: flags & Int32(IFF_MULTICAST) != 0))
        }
        return result
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<sockaddr>?, family: Int32) -> [UInt8] {
        if family == AF_INET6 {
            guard let pointer else { return [UInt8](repeating: 0, count: 16) }
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                withUnsafeBytes(of: sin.pointee.sin6_addr) { Array($0) }
            }
        }
        guard let pointer else { return [0, 0, 0, 0] }
        return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
            withUnsafeBytes(of: sin.pointee.sin_addr) { Array($0) }
        }
    }
}
