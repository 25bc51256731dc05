/// The host's interface addresses (getifaddrs), for advertising wildcard listeners.
public enum NetworkInterfaces {
    /// Every IPv4 and IPv6 address of an interface that is up, loopback first.
    public static func addresses() -> [SocketAddress] {
        let entries = InterfaceList.entries()
        return (entries.filter(\.isLoopback) + entries.filter { !$0.isLoopback }).map {
            $0.address.count == 16 ? .ipv6(address: $0.address, port: 0) : .ipv4(address: $0.address, port: 0)
        }
    }
}
