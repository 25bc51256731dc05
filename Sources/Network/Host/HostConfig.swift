/// Knobs of a `Host`, with the limits it enforces named in one place.
public struct HostConfig: Sendable {
    /// Sent in identify as `agentVersion`.
    public var agentVersion: String
    /// Sent in identify as `protocolVersion` (what go and py send).
    public var protocolVersion = "ipfs/0.1.0"
    /// From the first byte (or the connect call) to a multiplexed, authenticated connection.
    public var handshakeTimeout: Duration = .seconds(10)
    /// How long a duplicate connection (two peers dialed each other at once) stays open after the one both
    /// sides keep is up: streams on it finish, and the peer has time to switch too (`Host.connectionEstablished`).
    public var duplicateGrace: Duration = .seconds(3)
    /// How often a wildcard listener's interface addresses are compared with the ones we last announced; a
    /// change is pushed to connected peers (identify push). go-libp2p checks every 5 s too. Nil: never.
    public var addressCheckInterval: Duration? = .seconds(5)
    /// A peer dialed on several addresses (`Host.dial(_:addresses:)`) gets its next attempt this long after
    /// the last one started, if nothing connected or failed by then (go-libp2p staggers TCP dials by 250 ms).
    public var dialStagger: Duration = .milliseconds(250)
    /// Attempts in flight at once for one peer dialed on several addresses (go-libp2p's per-peer limit).
    public var maxParallelDialsPerPeer = 8
    /// Open connections, inbound and outbound together; beyond it new connections are refused.
    public var maxConnections = 256
    /// Name lookups (`/dns*` dials) in flight at once; a dial beyond it fails with `tooManyLookups`.
    public var maxPendingLookups = 16
    /// Resolves `/dns*` dial names, on a background thread (tests inject one that waits or fails).
    public var nameResolver: any NameResolver = SystemNameResolver()
    /// Connections still in their upgrade; bounds the work a flood of half-open sockets can cause.
    public var maxPendingConnections = 64
    /// Unsent bytes buffered per connection before the host stops draining the muxer.
    public var outboxHighWater = 1 << 20
    /// Read bytes processed per connection per readiness event before yielding to other sockets.
    public var readBudgetPerTick = 4 << 20
    /// Serve `/perf/1.0.0` (off by default: it lets any peer make us send data).
    public var enablePerf = false

    public init(agentVersion: String = "p2p-chat/\(HostConfig.version)") {
        self.agentVersion = agentVersion
    }

    /// The program version, shared by identify and `--version`.
    public static let version = "0.1.0"
}
