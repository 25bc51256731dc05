/// Per-stream state of a `YamuxSession`: flow-control windows (64-bit, since peers send deltas of
/// several MiB), the send queue of bytes waiting for window, and the half-close flags.
final class YamuxStream {
    let id: UInt32
    /// We opened it (and so wait for the peer's ACK).
    let isOutbound: Bool
    var isAcked: Bool

    /// Bytes the peer still accepts from us.
    var sendWindow: Int64
    /// Our current receive window size; auto-tuning doubles it up to `maxWindow`.
    var receiveWindow: Int64
    /// Bytes the peer may still send before our next window update.
    var receiveCredit: Int64
    /// Bytes delivered as `.data` events that the owner has not reported as consumed.
    var unconsumed: Int64 = 0
    /// When we last sent a window update (or opened the stream): the start of the tuning epoch.
    var lastWindowUpdate: Instant

    /// The largest drained queue buffer kept for reuse.
    static let retainedQueueCapacity = 2 << 20

    /// Bytes written but not yet sent for lack of window: `pending[pendingStart...]`.
    private(set) var pending: [UInt8] = []
    private var pendingStart = 0

    /// `closeWrite` was called; the FIN goes out once the queue is empty.
    var isWriteClosed = false
    var isFinSent = false
    var isRemoteClosed = false

    init(id: UInt32, isOutbound: Bool, sendWindow: Int64, receiveWindow: Int64, receiveCredit: Int64, now: Instant) {
        self.id = id
        self.isOutbound = isOutbound
        self.isAcked = !isOutbound
        self.sendWindow = sendWindow
        self.receiveWindow = receiveWindow
        self.receiveCredit = receiveCredit
        self.lastWindowUpdate = now
    }

    var queuedCount: Int { pending.count - pendingStart }

    /// Both directions are finished: the stream can be forgotten.
    var isFinished: Bool { isFinSent && isRemoteClosed }

    func enqueue(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
    }

    /// Runs `body` on up to `count` queued bytes, then drops them from the queue.
    func dequeue(_ count: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        pending.withUnsafeBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[pendingStart..<(pendingStart + count)]))
        }
        pendingStart += count
        if pendingStart == pending.count {
            // A bulk writer refills the queue at once: keep a moderate buffer rather than free and re-fault it.
            pending.removeAll(keepingCapacity: pending.capacity <= Self.retainedQueueCapacity)
            pendingStart = 0
        } else if pendingStart >= 1 << 20 && pendingStart * 2 >= pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
    }

    func dropQueue() {
        pending = []
        pendingStart = 0
    }
}
