/// The application side of one yamux stream after (or during) its multistream-select negotiation.
///
/// A stream belongs to one `Connection`. Writes are queued in the muxer and sent as the peer's window
/// allows; `queuedBytes` is the back-pressure signal and `StreamHandler.streamWritable` fires when the
/// queue drains. A handler never sees bytes of the negotiation, only the protocol's own.
public final class HostStream {
    public enum Direction: Sendable { case inbound, outbound }

    public let id: UInt32
    public let peer: PeerID
    public let direction: Direction
    /// The negotiated protocol; nil while negotiating.
    public internal(set) var protocolID: String?
    /// True once we sent FIN.
    public internal(set) var isWriteClosed = false
    /// True once the peer sent FIN.
    public internal(set) var isRemoteClosed = false
    /// True once the stream is gone (both sides closed, reset, or the connection died).
    public internal(set) var isClosed = false

    var handler: StreamHandler?
    var negotiator: MultistreamSelect?
    /// Opened before the peer echoed the protocol (`Connection.openStream(optimistic:)`).
    var isOptimistic = false
    weak var connection: Connection?

    init(id: UInt32, peer: PeerID, direction: Direction, connection: Connection) {
        self.id = id
        self.peer = peer
        self.direction = direction
        self.connection = connection
    }

    /// Queues bytes on the stream. Writing after `closeWrite` or `reset` is ignored.
    public func write<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard !isWriteClosed, !isClosed, let connection else { return }
        connection.write(self, Array(bytes))
    }

    /// Bytes accepted by `write` and not yet sent.
    public var queuedBytes: Int { connection?.queuedBytes(self) ?? 0 }

    /// Half-closes our direction (yamux FIN).
    public func closeWrite() {
        guard !isWriteClosed, !isClosed, let connection else { return }
        isWriteClosed = true
        connection.closeWrite(self)
    }

    /// Aborts the stream in both directions (yamux RST).
    public func reset() {
        guard !isClosed, let connection else { return }
        connection.reset(self)
    }
}

/// Callbacks for one stream. All run on the reactor thread; all have empty defaults.
public protocol StreamHandler: AnyObject {
    /// The protocol was agreed, or (outbound, the peer's identify lists it) proposed: the stream is ready for writes.
    func streamOpened(_ stream: HostStream)
    /// Bytes of the protocol arrived (never a negotiation byte).
    func stream(_ stream: HostStream, received bytes: [UInt8])
    /// The peer half-closed (FIN); we may still write.
    func streamRemoteClosed(_ stream: HostStream)
    /// Queued bytes drained; the handler may write more.
    func streamWritable(_ stream: HostStream)
    /// The stream is gone. `error` is nil for an orderly close of both directions.
    func streamClosed(_ stream: HostStream, error: HostError?)
}

extension StreamHandler {
    public func streamOpened(_ stream: HostStream) {}
    public func stream(_ stream: HostStream, received bytes: [UInt8]) {}
    public func streamRemoteClosed(_ stream: HostStream) {}
    public func streamWritable(_ stream: HostStream) {}
    public func streamClosed(_ stream: HostStream, error: HostError?) {}
}
