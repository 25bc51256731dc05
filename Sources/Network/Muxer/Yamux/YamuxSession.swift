/// A yamux session over one secured connection, without I/O (see `YamuxFrame` for the wire layout).
///
/// The owner feeds decrypted bytes to `receive(_:now:)`, moves outgoing frames with `drainTransmit(into:)`,
/// handles `pollEvent()` until nil, and arms a timer for `nextDeadline()` that calls `handleTimeout(now:)`.
///
/// Flow control: every stream starts with a 256 KiB window each way. We never send more DATA than the
/// peer's window (the rest waits in a per-stream queue, `.writable` fires when it drains), and a peer that
/// exceeds ours is a protocol error. Window updates go out when the owner has `consumed` at least half
/// the window; if the previous update was less than 4×RTT ago the window doubles, up to `maxWindow`.
public final class YamuxSession {
    public static let protocolID = YamuxFrame.protocolID

    public let role: YamuxRole
    public let config: YamuxConfig

    /// True after a protocol error or a ping timeout; only `drainTransmit` and `pollEvent` still do anything.
    public internal(set) var isClosed = false
    /// We sent GO_AWAY: inbound SYNs are refused with RST.
    public internal(set) var isGoAwaySent = false
    /// The peer sent GO_AWAY: `openStream` throws.
    public internal(set) var remoteGoAwayCode: UInt32?
    /// The latest ping round trip.
    public internal(set) var rtt: Duration?

    var streams: [UInt32: YamuxStream] = [:]
    var nextStreamID: UInt64
    var unackedOutbound = 0
    /// The latest `now` we were given (for calls that take none, like `openStream`).
    var lastNow: Instant

    var transmitBuffer: [UInt8] = []
    var events: [YamuxEvent] = []
    var eventHead = 0

    // Inbound parser: a partial header, or the rest of a DATA payload.
    var headerBuffer: [UInt8] = []
    var payloadRemaining = 0
    var payloadStreamID: UInt32 = 0
    var payloadDeliver = false
    var payloadFlags: YamuxFrame.Flags = []

    // Keep-alive.
    var nextPingOpaque: UInt32 = 1
    var outstandingPing: (opaque: UInt32, sentAt: Instant)?
    var nextKeepAlive: Instant?

    public init(role: YamuxRole, config: YamuxConfig = .init(), now: Instant) {
        self.role = role
        var config = config
        config.initialWindow = max(config.initialWindow, YamuxConfig.protocolWindow)
        config.maxWindow = max(config.maxWindow, config.initialWindow)
        config.maxFramePayload = max(config.maxFramePayload, 1)
        self.config = config
        nextStreamID = role == .client ? 1 : 2
        lastNow = now
        headerBuffer.reserveCapacity(YamuxFrame.headerLength)
        if let interval = config.keepAliveInterval { nextKeepAlive = now + interval }
        if config.pingOnStart { sendPing(now: now) }
    }

    // MARK: Streams

    /// Opens an outbound stream (sends WINDOW_UPDATE|SYN) and returns its ID. Data may be written at once.
    public func openStream() throws -> UInt32 {
        guard !isClosed else { throw YamuxError.sessionClosed }
        if let code = remoteGoAwayCode { throw YamuxError.goAwayReceived(code: code) }
        guard streams.count < config.maxStreams else { throw YamuxError.tooManyStreams(limit: config.maxStreams) }
        guard unackedOutbound < config.maxUnackedOutbound else {
            throw YamuxError.tooManyUnackedStreams(limit: config.maxUnackedOutbound)
        }
        guard nextStreamID <= UInt64(UInt32.max) else { throw YamuxError.streamIDsExhausted }
        let id = UInt32(nextStreamID)
        nextStreamID += 2
        let window = Int64(config.initialWindow)
        streams[id] = YamuxStream(id: id, isOutbound: true, sendWindow: Int64(YamuxConfig.protocolWindow),
                                  receiveWindow: window, receiveCredit: window, now: lastNow)
        unackedOutbound += 1
        sendFrame(.windowUpdate, .syn, id, UInt32(config.initialWindow - YamuxConfig.protocolWindow))
        return id
    }

    /// Queues `bytes` on a stream. They are framed straight into the transmit buffer as far as the peer's
    /// window allows; the rest waits for window updates (see `queuedBytes`, `.writable`).
    public func write(_ id: UInt32, _ bytes: UnsafeRawBufferPointer) throws {
        guard !isClosed else { throw YamuxError.sessionClosed }
        guard let stream = streams[id] else { throw YamuxError.unknownStream(id) }
        guard !stream.isWriteClosed else { throw YamuxError.writeAfterClose(id) }
        guard !bytes.isEmpty else { return }
        if stream.queuedCount > 0 {
            stream.enqueue(bytes)
            return
        }
        let allowed = Int(clamping: max(0, stream.sendWindow))
        let direct = min(bytes.count, allowed)
        sendData(stream, UnsafeRawBufferPointer(rebasing: bytes[0..<direct]))
        if direct < bytes.count { stream.enqueue(UnsafeRawBufferPointer(rebasing: bytes[direct...])) }
    }

    public func write(_ id: UInt32, _ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try write(id, $0) }
    }

    public func write(_ id: UInt32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write(id, $0) }
    }

    /// Bytes written to the stream but still waiting for the peer's window (0 for unknown streams).
    public func queuedBytes(_ id: UInt32) -> Int { streams[id]?.queuedCount ?? 0 }

    /// Bytes the peer currently accepts on the stream before we must queue.
    public func sendWindow(_ id: UInt32) -> Int64 { streams[id]?.sendWindow ?? 0 }

    /// Streams currently open in either direction.
    public var streamCount: Int { streams.count }

    /// True while the stream exists (not reset, not closed both ways).
    public func isOpen(_ id: UInt32) -> Bool { streams[id] != nil }

    /// Reports that the owner has processed `count` bytes of `.data` from the stream. Sends a window update
    /// once half the window is consumed, growing the window if updates come faster than 4×RTT.
    public func consumed(_ id: UInt32, _ count: Int, now: Instant) {
        lastNow = max(lastNow, now)
        guard !isClosed, count > 0, let stream = streams[id] else { return }
        stream.unconsumed = max(0, stream.unconsumed - Int64(count))
        guard !stream.isRemoteClosed else { return }
        let releasable = stream.receiveWindow - stream.receiveCredit - stream.unconsumed
        guard releasable >= stream.receiveWindow / 2 else { return }
        let measured = rtt ?? config.defaultRTT
        let tuningRTT = max(measured, config.minimumTuningRTT)
        if now - stream.lastWindowUpdate < tuningRTT * 4 && stream.receiveWindow < Int64(config.maxWindow) {
            stream.receiveWindow = min(stream.receiveWindow * 2, Int64(config.maxWindow))
        }
        let delta = stream.receiveWindow - stream.receiveCredit - stream.unconsumed
        stream.receiveCredit += delta
        stream.lastWindowUpdate = now
        sendFrame(.windowUpdate, [], id, UInt32(clamping: delta))
    }

    /// Half-closes our direction: the FIN follows any queued data. Unknown streams are ignored.
    public func closeWrite(_ id: UInt32) {
        guard !isClosed, let stream = streams[id], !stream.isWriteClosed else { return }
        stream.isWriteClosed = true
        if stream.queuedCount == 0 { sendFin(stream) }
    }

    /// Abandons the stream in both directions (WINDOW_UPDATE|RST); queued data is dropped.
    public func reset(_ id: UInt32) {
        guard !isClosed, let stream = streams[id] else { return }
        sendFrame(.windowUpdate, .rst, id, 0)
        remove(stream)
    }

    /// Tells the peer we accept no new streams; existing streams carry on. Sent once.
    public func goAway(_ code: UInt32 = YamuxGoAwayCode.normal) {
        guard !isClosed, !isGoAwaySent else { return }
        isGoAwaySent = true
        sendFrame(.goAway, [], 0, code)
    }

    // MARK: Output

    public var hasPendingTransmit: Bool { !transmitBuffer.isEmpty }

    /// Bytes of frames waiting for `drainTransmit` (lets the owner send in slices while a writer is busy).
    public var pendingTransmitCount: Int { transmitBuffer.count }

    /// Appends every pending frame to `out` (swapping buffers when `out` is empty, so no copy is made).
    public func drainTransmit(into out: inout [UInt8]) {
        guard !transmitBuffer.isEmpty else { return }
        if out.isEmpty {
            swap(&out, &transmitBuffer)
        } else {
            out.append(contentsOf: transmitBuffer)
            transmitBuffer.removeAll(keepingCapacity: true)
        }
    }

    /// The next event, or nil. Handle them all after each `receive`, `write` or `handleTimeout`.
    public func pollEvent() -> YamuxEvent? {
        guard eventHead < events.count else { return nil }
        let event = events[eventHead]
        eventHead += 1
        if eventHead == events.count {
            events.removeAll(keepingCapacity: true)
            eventHead = 0
        }
        return event
    }

    // MARK: Internals shared with the extensions

    func emit(_ event: YamuxEvent) { events.append(event) }

    func sendFrame(_ type: YamuxFrame.FrameType, _ flags: YamuxFrame.Flags, _ id: UInt32, _ length: UInt32) {
        YamuxFrame(type, flags, streamID: id, length: length).encode(into: &transmitBuffer)
    }

    /// Frames `bytes` (which must fit the send window) into DATA frames of at most `maxFramePayload`.
    func sendData(_ stream: YamuxStream, _ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let frameCount = (bytes.count + config.maxFramePayload - 1) / config.maxFramePayload
        transmitBuffer.reserveCapacity(transmitBuffer.count + bytes.count + frameCount * YamuxFrame.headerLength)
        var offset = 0
        while offset < bytes.count {
            let n = min(config.maxFramePayload, bytes.count - offset)
            sendFrame(.data, [], stream.id, UInt32(n))
            transmitBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
        }
        stream.sendWindow -= Int64(bytes.count)
    }

    /// Sends as much of the stream's queue as its window allows; on draining, reports `.writable` and
    /// sends a FIN that was waiting for the queue.
    func flushQueue(_ stream: YamuxStream) {
        let queued = stream.queuedCount
        guard queued > 0, stream.sendWindow > 0 else { return }
        let n = min(queued, Int(clamping: stream.sendWindow))
        stream.dequeue(n) { sendData(stream, $0) }
        guard stream.queuedCount == 0 else { return }
        if stream.isWriteClosed {
            sendFin(stream)
        } else {
            emit(.writable(stream.id))
        }
    }

    func sendFin(_ stream: YamuxStream) {
        guard !stream.isFinSent else { return }
        stream.isFinSent = true
        sendFrame(.windowUpdate, .fin, stream.id, 0)
        if stream.isFinished { remove(stream) }
    }

    func remove(_ stream: YamuxStream) {
        if stream.isOutbound && !stream.isAcked { unackedOutbound -= 1 }
        stream.dropQueue()
        streams[stream.id] = nil
    }

    /// After a peer protocol violation (which the caller throws): GO_AWAY(protocol error), then the session is dead.
    func closeForProtocolError() {
        guard !isClosed else { return }
        sendFrame(.goAway, [], 0, YamuxGoAwayCode.protocolError)
        isGoAwaySent = true
        isClosed = true
    }
}
