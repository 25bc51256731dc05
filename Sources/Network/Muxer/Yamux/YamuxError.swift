/// Errors of a `YamuxSession`.
///
/// The protocol violations (the first group) are fatal: the session queues GO_AWAY(protocol error),
/// marks itself closed and throws; later calls throw `.sessionClosed`.
public enum YamuxError: Error, Equatable, Sendable {
    // Peer protocol violations (fatal).
    case unsupportedVersion(UInt8)
    case unknownFrameType(UInt8)
    /// A SYN in our own ID space or on stream 0, or DATA/WINDOW_UPDATE on stream 0.
    case invalidStreamID(UInt32)
    /// A SYN for a stream that is still open.
    case duplicateStream(UInt32)
    /// DATA beyond what our receive window allowed.
    case receiveWindowExceeded(streamID: UInt32, length: UInt32, window: Int64)

    // Local conditions.
    case sessionClosed
    /// The peer sent GO_AWAY: no new outbound streams.
    case goAwayReceived(code: UInt32)
    case tooManyStreams(limit: Int)
    case tooManyUnackedStreams(limit: Int)
    case streamIDsExhausted
    case unknownStream(UInt32)
    /// `write` after `closeWrite` on that stream.
    case writeAfterClose(UInt32)

    /// True for the peer's protocol violations, which kill the session.
    public var isProtocolViolation: Bool {
        switch self {
        case .unsupportedVersion, .unknownFrameType, .invalidStreamID, .duplicateStream, .receiveWindowExceeded: return true
        default: return false
        }
    }
}

/// What a `YamuxSession` reports to its owner, in order, through `pollEvent()`.
public enum YamuxEvent: Equatable, Sendable {
    /// The peer opened a stream (already acknowledged).
    case inboundStream(UInt32)
    /// Payload for a stream: one array per DATA frame, or per `receive` call when a frame spans calls.
    /// Call `consumed(_:_:now:)` once the bytes are processed, or the peer's window closes.
    case data(UInt32, [UInt8])
    /// The stream's send queue has drained: write more.
    case writable(UInt32)
    /// The peer half-closed (FIN): no more data will arrive on this stream.
    case remoteClosed(UInt32)
    /// The peer reset the stream; it is gone.
    case streamReset(UInt32)
    /// The peer acknowledged a stream we opened.
    case streamAcked(UInt32)
    /// The peer will accept no new streams.
    case goAway(code: UInt32)
    /// A ping round trip completed.
    case rtt(Duration)
    /// A ping went unanswered for `pingTimeout`; the session is closed.
    case timedOut
}
