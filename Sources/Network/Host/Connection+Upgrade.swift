/// The upgrade pipeline: each stage consumes input, may finish, and hands the bytes that followed
/// its last message to the next stage (a pipelining peer may send them in the same TCP segment).
extension Connection {
    func ingest(_ bytes: UnsafeRawBufferPointer) throws {
        switch stage {
        case .connecting, .closed:
            return
        case .negotiatingSecurity(var mss):
            do { try mss.receive(ArraySlice(bytes)) } catch let e as MultistreamError { throw HostError.securityNegotiation(e) }
            transmitRaw(&mss)
            stage = .negotiatingSecurity(mss)
            if mss.negotiated != nil { try startNoise(remainder: mss.takeRemainder()) }
        case .securing(let handshake):
            try feedHandshake(handshake, ArraySlice(bytes))
        case .negotiatingMuxer, .muxed:
            try decryptAndFeed(bytes)
        }
    }

    private func startNoise(remainder: [UInt8]) throws {
        let handshake = NoiseHandshake(role: direction == .outbound ? .initiator : .responder,
                                       identity: host.identity, expectedRemote: expectedPeer,
                                       muxers: [Self.muxerProtocol], staticKey: host.noiseStaticKey)
        stage = .securing(handshake)
        while let frame = handshake.pollTransmit() { outbox.append(contentsOf: frame) }
        if !remainder.isEmpty { try feedHandshake(handshake, remainder[...]) }
    }

    private func feedHandshake(_ handshake: NoiseHandshake, _ bytes: ArraySlice<UInt8>) throws {
        do { try handshake.receive(bytes) } catch let e as NoiseError {
            if case .peerIDMismatch(let expected, let got) = e { throw HostError.peerIDMismatch(expected: expected, got: got) }
            throw HostError.security(e)
        }
        while let frame = handshake.pollTransmit() { outbox.append(contentsOf: frame) }
        guard handshake.isComplete else { return }
        let secured = handshake.finish()
        remotePeer = secured.remotePeer
        remotePublicKey = secured.remotePublicKey
        noise = secured.transport
        try host.connectionSecured(self)   // may refuse (self-dial, limits); throws to close
        if secured.remoteMuxers.contains(Self.muxerProtocol) {
            // Inlined muxer negotiation (specs connections/inlined-muxer-negotiation.md): both sides listed yamux.
            startMuxer()
        } else {
            var mss: MultistreamSelect = direction == .outbound
                ? .dialer(proposals: [Self.muxerProtocol])
                : .listener(supported: { $0 == Self.muxerProtocol })
            var pending: [UInt8] = []
            while let b = mss.pollTransmit() { pending += b }
            try transmitSealed(pending)
            stage = .negotiatingMuxer(mss)
        }
        if !secured.remainder.isEmpty {
            try secured.remainder.withUnsafeBytes { try decryptAndFeed($0) }
        }
    }

    private func decryptAndFeed(_ ciphertext: UnsafeRawBufferPointer) throws {
        guard var transport = noise else { return }
        plaintextIn.removeAll(keepingCapacity: true)
        do { try transport.open(ciphertext, appendingTo: &plaintextIn) } catch let e as NoiseError {
            noise = transport
            throw HostError.security(e)
        }
        noise = transport
        guard !plaintextIn.isEmpty else { return }
        let plain = plaintextIn
        try feedPlaintext(plain[...])
    }

    private func feedPlaintext(_ plain: ArraySlice<UInt8>) throws {
        switch stage {
        case .negotiatingMuxer(var mss):
            do { try mss.receive(plain) } catch let e as MultistreamError { throw HostError.muxerNegotiation(e) }
            var pending: [UInt8] = []
            while let b = mss.pollTransmit() { pending += b }
            stage = .negotiatingMuxer(mss)
            try transmitSealed(pending)
            if mss.negotiated != nil {
                let rest = mss.takeRemainder()
                startMuxer()
                if !rest.isEmpty { try feedPlaintext(rest[...]) }
            }
        case .muxed(let yamux):
            do {
                try plain.withUnsafeBytes { try yamux.receive($0, now: host.reactor.now) }
            } catch let e as YamuxError {
                try? drainMuxerEvents(yamux)
                throw HostError.muxer(e)
            }
            try drainMuxerEvents(yamux)
        default:
            return
        }
    }

    private func startMuxer() {
        let yamux = YamuxSession(role: direction == .outbound ? .client : .server, now: host.reactor.now)
        stage = .muxed(yamux)
        if let handshakeTimer { host.reactor.cancel(handshakeTimer) }
        handshakeTimer = nil
        host.connectionEstablished(self)
    }
}
