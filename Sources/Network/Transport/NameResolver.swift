/// Turns the name of a `/dns`, `/dns4` or `/dns6` dial address into socket addresses. It may block for as long
/// as DNS takes (`getaddrinfo` does), so the host calls it off the reactor thread (`Host+Lookups`).
public protocol NameResolver: Sendable {
    func resolve(host: String, port: UInt16, family: SocketAddress.Family) throws -> [SocketAddress]
}

/// The system's resolver: `getaddrinfo`, so /etc/hosts and DNS as nsswitch.conf and resolv.conf say.
public struct SystemNameResolver: NameResolver {
    public init() {}

    public func resolve(host: String, port: UInt16, family: SocketAddress.Family) throws -> [SocketAddress] {
        try SocketAddress.resolve(host: host, port: port, family: family)
    }
}
