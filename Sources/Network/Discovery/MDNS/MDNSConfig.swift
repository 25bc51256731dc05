/// Settings of the `MDNS` machine. The defaults follow the libp2p mDNS spec and rust-libp2p's TTL.
public struct MDNSConfig: Sendable {
    /// The service every libp2p peer browses (a private network would use `_p2p-<fingerprint>._udp.local`).
    public var serviceName: DNSName = "_p2p._udp.local"
    /// TTL of the records we send, in seconds (rust-libp2p: 6 minutes).
    public var recordTTL: UInt32 = 360
    /// First gap between queries, doubled after each query.
    public var initialQueryInterval: Duration = .seconds(1)
    /// Longest gap between queries while we know no peer: quick, so a restored link or a newcomer is
    /// found within this time.
    public var aloneQueryInterval: Duration = .seconds(15)
    /// Longest gap between queries once peers are known.
    public var maxQueryInterval: Duration = .seconds(300)
    /// The mDNS port (5353; tests use a private one). A query from any other port is a legacy unicast query.
    public var port: UInt16 = 5353
    /// Whether to use IPv4 multicast (224.0.0.251).
    public var useIPv4 = true
    /// Whether to use IPv6 multicast (ff02::fb) too, where the host has IPv6. Either family alone finds
    /// peers, and both carry every listen address (IPv4 and IPv6) in the TXT record.
    public var useIPv6 = true

    /// Addresses put in our TXT record; more would not fit one packet comfortably.
    public static let maxAdvertisedAddresses = 24
    /// Peers remembered at once; responses naming further peers are ignored until some expire.
    public static let maxDiscoveredPeers = 256
    /// Addresses kept per discovered peer.
    public static let maxAddressesPerPeer = 16
    /// Least time between two multicast responses (RFC 6762 §6).
    public static let minMulticastInterval: Duration = .seconds(1)
    /// TTL of records sent in reply to a legacy unicast query (RFC 6762 §6.7).
    public static let legacyUnicastTTL: UInt32 = 10

    public init() {}
}
