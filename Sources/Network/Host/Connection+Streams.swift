/// Streams on a multiplexed connection: each starts with its own multistream-select negotiation
/// (we propose on outbound streams, the host's handler table answers inbound ones), then its
/// handler gets the protocol's bytes.
extension Connection {
    func drainMuxerEvents(_ yamux: YamuxSession) throws {
        while let event = yamux.pollEvent() {
            switch event {
            case .inboundStream(let id):
                guard let peer = remotePeer else { continue }
                let stream = HostStream(id: id, peer: peer, direction: .inbound, connection: self)
                var mss = MultistreamSelect.listener(supported: { [unowned host] in host.handlesProtocol($0) })
                streams[id] = stream
                pump(&mss, on: stream, yamux)
                stream.negotiator = mss
            case .data(let id, let bytes):
                yamux.consumed(id, bytes.count, now: host.reactor.now)
                guard let stream = streams[id] else { continue }
                deliver(bytes, to: stream, yamux)
            case .writable(let id):
                if let stream = streams[id], stream.negotiator == nil || stream.isOptimistic {
                    stream.handler?.streamWritable(stream)
                }
            case .remoteClosed(let id):
                guard let stream = streams[id] else { continue }
                stream.isRemoteClosed = true
                if stream.negotiator != nil {
                    finish(stream, error: .streamEndedDuringNegotiation, resetting: true)
                } else {
                    stream.handler?.streamRemoteClosed(stream)
                    finishIfDone(stream)
                }
            case .streamReset(let id):
                if let stream = streams[id] { finish(stream, error: .streamReset, resetting: false) }
            case .streamAcked:
                break
            case .goAway:
                log.debug("peer \(remotePeer?.description ?? "?") sent GO_AWAY")
            case .rtt(let rtt):
                log.trace("yamux rtt \(rtt)")
            case .timedOut:
                throw HostError.connectionClosed(reason: "yamux keep-alive timed out")
            }
        }
    }

    /// Opens an outbound stream proposing `protocols` in order. `optimistic` (one protocol, which the peer's
    /// identify lists): the handler is opened at once and its first bytes follow the proposal in the same
    /// packet, as go and rust-libp2p do ("lazy" multistream-select), saving a round trip; the peer's echo is
    /// still checked before any reply reaches the handler, and an `na` closes the stream with the error.
    func openStream(protocols: [String], handler: StreamHandler, optimistic: Bool = false) throws -> HostStream {
        guard case .muxed(let yamux) = stage, let peer = remotePeer else { throw HostError.connectionClosed(reason: "not ready") }
        let id: UInt32
        do { id = try yamux.openStream() } catch let e as YamuxError { throw HostError.muxer(e) }
        let stream = HostStream(id: id, peer: peer, direction: .outbound, connection: self)
        stream.handler = handler
        streams[id] = stream
        var mss = MultistreamSelect.dialer(proposals: protocols)
        process {
            pump(&mss, on: stream, yamux)
            stream.negotiator = mss
            if optimistic, protocols.count == 1 {
                stream.isOptimistic = true
                stream.protocolID = protocols[0]
                handler.streamOpened(stream)
            }
        }
        return stream
    }

    private func pump(_ mss: inout MultistreamSelect, on stream: HostStream, _ yamux: YamuxSession) {
        while let bytes = mss.pollTransmit() {
            bytes.withUnsafeBytes { try? yamux.write(stream.id, $0) }
        }
    }

    private func deliver(_ bytes: [UInt8], to stream: HostStream, _ yamux: YamuxSession) {
        guard var mss = stream.negotiator else {
            stream.handler?.stream(stream, received: bytes)
            return
        }
        do { try mss.receive(bytes[...]) } catch let e as MultistreamError {
            stream.negotiator = nil
            finish(stream, error: .protocolNegotiation(e), resetting: true)
            return
        } catch { return }
        pump(&mss, on: stream, yamux)
        guard let proto = mss.negotiated else { stream.negotiator = mss; return }
        stream.negotiator = nil
        stream.protocolID = proto
        let rest = mss.takeRemainder()
        if stream.isOptimistic {   // opened already; only the echo was outstanding
            if !rest.isEmpty && !stream.isClosed { stream.handler?.stream(stream, received: rest) }
            if stream.isRemoteClosed && !stream.isClosed { stream.handler?.streamRemoteClosed(stream); finishIfDone(stream) }
            return
        }
        if stream.direction == .inbound {
            stream.handler = host.makeHandler(for: proto, stream: stream)
        }
        guard let handler = stream.handler else { finish(stream, error: nil, resetting: true); return }
        handler.streamOpened(stream)
        if !rest.isEmpty && !stream.isClosed { handler.stream(stream, received: rest) }
        if stream.isRemoteClosed && !stream.isClosed { handler.streamRemoteClosed(stream); finishIfDone(stream) }
    }

    // MARK: Called by HostStream

    func write(_ stream: HostStream, _ bytes: [UInt8]) {
        guard case .muxed(let yamux) = stage, streams[stream.id] === stream else { return }
        process { try bytes.withUnsafeBytes { try yamux.write(stream.id, $0) } }
        // Inside a handler the flush waits for the end of processing, by which time a bulk writer has framed a
        // whole send window (megabytes, out of cache); sending each slice as it fills keeps the bytes hot.
        if isProcessing && yamux.pendingTransmitCount >= Self.sealSlice { flush() }
    }

    func queuedBytes(_ stream: HostStream) -> Int {
        guard case .muxed(let yamux) = stage else { return 0 }
        return yamux.queuedBytes(stream.id)
    }

    func closeWrite(_ stream: HostStream) {
        guard case .muxed(let yamux) = stage, streams[stream.id] === stream else { return }
        process {
            yamux.closeWrite(stream.id)
            finishIfDone(stream)
        }
    }

    func reset(_ stream: HostStream) {
        guard streams[stream.id] === stream else { return }
        process { finish(stream, error: nil, resetting: true) }
    }

    private func finishIfDone(_ stream: HostStream) {
        if stream.isWriteClosed && stream.isRemoteClosed { finish(stream, error: nil, resetting: false) }
    }

    /// Removes a stream and tells its handler, resetting it on the wire when asked.
    func finish(_ stream: HostStream, error: HostError?, resetting: Bool) {
        guard streams.removeValue(forKey: stream.id) != nil else { return }
        if resetting, case .muxed(let yamux) = stage { yamux.reset(stream.id) }
        stream.isClosed = true
        let handler = stream.handler
        stream.handler = nil
        handler?.streamClosed(stream, error: error)
    }
}
