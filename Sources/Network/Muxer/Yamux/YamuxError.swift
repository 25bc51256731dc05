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
