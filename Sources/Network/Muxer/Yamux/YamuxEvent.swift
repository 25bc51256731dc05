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
