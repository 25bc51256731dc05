/// Which end of the TCP connection a session is on; it decides stream-ID parity (not the mss role).
public enum YamuxRole: Sendable {
    /// The TCP dialer: opens odd stream IDs from 1.
    case client
    /// The TCP listener: opens even stream IDs from 2.
    case server
}

/// Limits and timers of a `YamuxSession`.
public struct YamuxConfig: Sendable {
    /// The window every stream starts with in both directions, fixed by the protocol.
    public static let protocolWindow = 256 * 1024

    /// Our receive window for a new stream. Above `protocolWindow`, the SYN/ACK frame carries the difference.
    public var initialWindow = YamuxConfig.protocolWindow
    /// The largest receive window auto-tuning grows to (go-libp2p uses 16 MiB).
    public var maxWindow = 16 * 1024 * 1024
    /// Open streams, inbound plus outbound. Inbound streams over the cap are reset; `openStream` throws.
    public var maxStreams = 512
    /// Outbound streams the peer has not acknowledged yet (go-yamux's accept backlog is 256).
    public var maxUnackedOutbound = 256
    /// Largest DATA payload we send (go's `MaxMessageSize`); larger inbound frames are accepted.
    public var maxFramePayload = 64 * 1024
    /// Interval between keep-alive pings; nil disables them.
    public var keepAliveInterval: Duration? = .seconds(30)
    /// How long a ping may stay unanswered before the session is declared dead.
    public var pingTimeout: Duration = .seconds(10)
    /// Send a ping as soon as the session starts, to learn the RTT for window tuning.
    public var pingOnStart = true
    /// RTT assumed for window tuning until a ping has been answered.
    public var defaultRTT: Duration = .milliseconds(50)
    /// Lower bound on the RTT used for window tuning. Loopback RTTs of a few µs would otherwise keep
    /// windows small and make bulk transfers stall on window updates.
    public var minimumTuningRTT: Duration = .milliseconds(1)

    public init() {}
}
