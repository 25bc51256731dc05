/// Pings of `YamuxSession`: answering the peer's, and our own for RTT and keep-alive.
///
/// One ping is outstanding at a time. It is sent at start (for the RTT that window tuning uses) and every
/// `keepAliveInterval`; if it stays unanswered for `pingTimeout`, the session reports `.timedOut` and closes.
extension YamuxSession {
    /// When `handleTimeout(now:)` must next be called, or nil.
    public func nextDeadline() -> Instant? {
        guard !isClosed else { return nil }
        var deadline = nextKeepAlive
        if let ping = outstandingPing {
            let expiry = ping.sentAt + config.pingTimeout
            deadline = min(deadline ?? expiry, expiry)
        }
        return deadline
    }

    /// Fires due timers: the ping timeout first, then the keep-alive ping.
    public func handleTimeout(now: Instant) {
        lastNow = max(lastNow, now)
        guard !isClosed else { return }
        if let ping = outstandingPing, now >= ping.sentAt + config.pingTimeout {
            isClosed = true
            emit(.timedOut)
            return
        }
        if let interval = config.keepAliveInterval, let due = nextKeepAlive, now >= due {
            if outstandingPing == nil { sendPing(now: now) }
            nextKeepAlive = now + interval
        }
    }

    /// Sends a ping now unless one is already outstanding (its answer reports `.rtt`).
    public func ping(now: Instant) {
        lastNow = max(lastNow, now)
        guard !isClosed, outstandingPing == nil else { return }
        sendPing(now: now)
    }

    func sendPing(now: Instant) {
        let opaque = nextPingOpaque
        nextPingOpaque &+= 1
        outstandingPing = (opaque, now)
        sendFrame(.ping, .syn, 0, opaque)
    }

    func handlePing(_ frame: YamuxFrame, now: Instant) {
        if frame.flags.contains(.syn) {
            sendFrame(.ping, .ack, 0, frame.length)
        } else if frame.flags.contains(.ack), let ping = outstandingPing, ping.opaque == frame.length {
            outstandingPing = nil
            let measured = now - ping.sentAt
            rtt = measured
            emit(.rtt(measured))
        }
    }
}
