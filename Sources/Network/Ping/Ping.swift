/// The ping protocol (specs `ping/ping.md`): the dialer writes 32 random bytes, the listener echoes them,
/// and the dialer may repeat on the same stream.
///
///     dialer  → listener   +--------------------------+
///                          | 32 random bytes          |
///     listener → dialer    +--------------------------+  the same 32 bytes
///
/// `Pinger` is the dialer's side (one outstanding ping at a time), `PingResponder` the listener's.
public enum Ping {
    public static let protocolID = "/ipfs/ping/1.0.0"
    public static let payloadLength = 32
    /// How long an echo may take before the ping fails (go `pingTimeout`, py `RESP_TIMEOUT`).
    public static let timeout: Duration = .seconds(10)
}

/// Errors from the dialer's side of ping. After any of them the `Pinger` stays failed: reset the stream.
public enum PingError: Error, Equatable, Sendable {
    case mismatch(expected: [UInt8], got: [UInt8])   // the echo isn't what we sent
    case timedOut(after: Duration)                   // no whole echo within the timeout
    case unexpectedData(count: Int)                  // bytes beyond the echo of the outstanding ping
    case alreadyOutstanding                          // `start` while a ping is in flight
    case badPayloadLength(Int)                       // a test payload that isn't 32 bytes
    case failed                                      // used after an earlier error
}
