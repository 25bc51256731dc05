/// The inbound half of `YamuxSession`: parsing frames in any chunking and applying them.
extension YamuxSession {
    /// Feeds decrypted bytes from the peer, in any chunking. DATA payloads become `.data` events without
    /// being buffered here; only a partial 12-byte header is kept between calls.
    /// Throws a `YamuxError`; a protocol violation queues GO_AWAY(protocol error) and closes the session.
    public func receive(_ bytes: UnsafeRawBufferPointer, now: Instant) throws {
        guard !isClosed else { throw YamuxError.sessionClosed }
        lastNow = max(lastNow, now)
        var offset = 0
        do {
            while offset < bytes.count && !isClosed {
                if payloadRemaining > 0 {
                    offset += takePayload(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                    continue
                }
                let frame: YamuxFrame
                let available = bytes.count - offset
                if headerBuffer.isEmpty && available >= YamuxFrame.headerLength {
                    frame = try YamuxFrame.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                    offset += YamuxFrame.headerLength
                } else {
                    let n = min(YamuxFrame.headerLength - headerBuffer.count, available)
                    headerBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
                    offset += n
                    guard headerBuffer.count == YamuxFrame.headerLength else { break }
                    frame = try YamuxFrame.decode(headerBuffer)
                    headerBuffer.removeAll(keepingCapacity: true)
                }
                try handle(frame, now: now)
            }
        } catch let error as YamuxError {
            if error.isProtocolViolation { closeForProtocolError() }
            throw error
        }
    }

    public func receive(_ bytes: ArraySlice<UInt8>, now: Instant) throws {
        try bytes.withUnsafeBytes { try receive($0, now: now) }
    }

    public func receive(_ bytes: [UInt8], now: Instant) throws {
        try bytes.withUnsafeBytes { try receive($0, now: now) }
    }

    /// Delivers (or skips) the next piece of the current DATA payload; returns the bytes used.
    private func takePayload(_ chunk: UnsafeRawBufferPointer) -> Int {
        let n = min(payloadRemaining, chunk.count)
        if payloadDeliver && streams[payloadStreamID] != nil {
            emit(.data(payloadStreamID, [UInt8](UnsafeRawBufferPointer(rebasing: chunk[0..<n]))))
        }
        payloadRemaining -= n
        if payloadRemaining == 0 { finishFrame(payloadStreamID, payloadFlags) }
        return n
    }

    private func handle(_ frame: YamuxFrame, now: Instant) throws {
        switch frame.type {
        case .ping:
            handlePing(frame, now: now)
        case .goAway:
            remoteGoAwayCode = frame.length
            emit(.goAway(code: frame.length))
        case .windowUpdate, .data:
            guard frame.streamID != 0 else { throw YamuxError.invalidStreamID(0) }
            var stream = streams[frame.streamID]
            if frame.flags.contains(.syn) {
                stream = try acceptInbound(frame.streamID, now: now)
            } else if frame.flags.contains(.ack), let outbound = stream, outbound.isOutbound, !outbound.isAcked {
                outbound.isAcked = true
                unackedOutbound -= 1
                emit(.streamAcked(outbound.id))
            }
            if frame.type == .windowUpdate {
                if let stream {
                    let (sum, overflow) = stream.sendWindow.addingReportingOverflow(Int64(frame.length))
                    stream.sendWindow = overflow ? .max : sum
                    flushQueue(stream)
                }
                finishFrame(frame.streamID, frame.flags)
            } else {
                try beginPayload(frame, stream)
            }
        }
    }

    /// Checks a DATA frame against our receive window and sets up delivery of its payload.
    private func beginPayload(_ frame: YamuxFrame, _ stream: YamuxStream?) throws {
        let length = Int64(frame.length)
        payloadDeliver = false
        if let stream, !stream.isRemoteClosed {
            guard length <= stream.receiveCredit else {
                throw YamuxError.receiveWindowExceeded(streamID: stream.id, length: frame.length,
                                                       window: stream.receiveCredit)
            }
            stream.receiveCredit -= length
            stream.unconsumed += length
            payloadDeliver = true
        }
        payloadStreamID = frame.streamID
        payloadFlags = frame.flags
        payloadRemaining = Int(frame.length)
        if payloadRemaining == 0 { finishFrame(frame.streamID, frame.flags) }
    }

    /// A SYN from the peer: validates the ID, then accepts (ACK at once) or refuses (RST) the stream.
    private func acceptInbound(_ id: UInt32, now: Instant) throws -> YamuxStream? {
        let peerUsesOdd = role == .server
        guard (id & 1 == 1) == peerUsesOdd else { throw YamuxError.invalidStreamID(id) }
        guard streams[id] == nil else { throw YamuxError.duplicateStream(id) }
        if isGoAwaySent || streams.count >= config.maxStreams {
            sendFrame(.windowUpdate, .rst, id, 0)
            return nil
        }
        let window = Int64(config.initialWindow)
        let stream = YamuxStream(id: id, isOutbound: false, sendWindow: Int64(YamuxConfig.protocolWindow),
                                 receiveWindow: window, receiveCredit: window, now: now)
        streams[id] = stream
        sendFrame(.windowUpdate, .ack, id, UInt32(config.initialWindow - YamuxConfig.protocolWindow))
        emit(.inboundStream(id))
        return stream
    }

    /// Applies FIN and RST once a frame (including any payload) is complete.
    private func finishFrame(_ id: UInt32, _ flags: YamuxFrame.Flags) {
        guard flags.contains(.fin) || flags.contains(.rst), let stream = streams[id] else { return }
        if flags.contains(.rst) {
            remove(stream)
            emit(.streamReset(id))
            return
        }
        guard !stream.isRemoteClosed else { return }
        stream.isRemoteClosed = true
        emit(.remoteClosed(id))
        if stream.isFinished { remove(stream) }
    }
}
