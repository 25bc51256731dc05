import Logging

/// One TCP connection and its upgrade to an authenticated, multiplexed libp2p connection:
///
///     TCP ──► mss(/noise) ──► Noise XX ──► mss(/yamux/1.0.0) inside Noise ──► yamux streams
///                                      └─ skipped when both sides listed yamux in the Noise extensions
///
/// The connection owns the socket, the outbox and the sans-IO machines of each stage; it is the only
/// place where their bytes meet the socket. Each yamux stream runs its own multistream-select
/// negotiation before its handler sees data (see `Connection+Streams.swift`).
final class Connection {
    enum Stage {
        case connecting
        case negotiatingSecurity(MultistreamSelect)
        case securing(NoiseHandshake)
        case negotiatingMuxer(MultistreamSelect)
        case muxed(YamuxSession)
        case closed
    }

    static let securityProtocols = [NoiseHandshake.protocolID]
    static let muxerProtocol = YamuxSession.protocolID

    let id: Int
    let direction: ConnectionInfo.Direction
    let socket: TCPSocket
    let expectedPeer: PeerID?
    let dialAddress: Multiaddr?
    unowned let host: Host
    var watch: WatchID?
    var stage: Stage = .connecting
    var noise: NoiseTransport?
    var remotePeer: PeerID?
    var remotePublicKey: PublicKey?
    /// True once the host kept this connection as the one for `remotePeer`.
    var isEstablished = false
    /// A duplicate of the peer's kept connection, closed after `HostConfig.duplicateGrace`.
    var isRetired = false
    /// Set on a dial-back probe (`Host.probe`): told once whether the peer proved itself at the address.
    var probe: ((Result<Void, HostError>) -> Void)?
    var isProbe = false
    /// An attempt of a peer dial (`Host+PeerDial`): its failure moves that on.
    var isPeerDialAttempt = false
    var streams: [UInt32: HostStream] = [:]
    var handshakeTimer: TimerID?
    var muxerTimer: (id: TimerID, deadline: Instant)?

    var outbox: [UInt8] = []
    var outboxStart = 0
    /// Muxer output drained but not sealed yet: `plaintextOut[plaintextOutStart...]`.
    var plaintextOut: [UInt8] = []
    var plaintextOutStart = 0
    var plaintextIn: [UInt8] = []
    /// Set while input is being processed, so writes from handlers are flushed once at the end.
    var isProcessing = false
    var wantsWrite = false

    init(id: Int, direction: ConnectionInfo.Direction, socket: TCPSocket, expectedPeer: PeerID?,
         dialAddress: Multiaddr?, host: Host) {
        self.id = id
        self.direction = direction
        self.socket = socket
        self.expectedPeer = expectedPeer
        self.dialAddress = dialAddress
        self.host = host
    }

    var isClosed: Bool { if case .closed = stage { return true } else { return false } }
    var isMuxed: Bool { if case .muxed = stage { return true } else { return false } }
    var log: Logger { host.log }

    var info: ConnectionInfo {
        ConnectionInfo(direction: direction,
                       remoteAddress: socket.remoteAddress.map(Multiaddr.init(tcp:)),
                       localAddress: socket.localAddress.map(Multiaddr.init(tcp:)))
    }

    // MARK: Socket readiness

    func handle(_ readiness: Readiness) {
        if case .connecting = stage {
            guard readiness.contains(.write) || readiness.contains(.error) || readiness.contains(.hangup) else { return }
            do { try socket.finishConnect() } catch let e as Errno {
                fail(.connectFailed(dialAddress ?? Multiaddr(tcp: socket.remoteAddress), e)); return
            } catch { fail(.connectionClosed(reason: "\(error)")); return }
            beginUpgrade()
            return
        }
        if readiness.contains(.write) { flush() }
        if !isClosed && (readiness.contains(.read) || readiness.contains(.hangup) || readiness.contains(.error)) {
            readAvailable()
        }
    }

    /// Starts the security negotiation once TCP is connected (or accepted).
    func beginUpgrade() {
        var mss: MultistreamSelect = direction == .outbound
            ? .dialer(proposals: Self.securityProtocols)
            : .listener(supported: { Self.securityProtocols.contains($0) })
        transmitRaw(&mss)
        stage = .negotiatingSecurity(mss)
        flush()
    }

    private func readAvailable() {
        var budget = host.config.readBudgetPerTick
        while budget > 0 && !isClosed {
            let result: ReadResult
            do {
                result = try host.readBuffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            } catch let e as Errno {
                // A peer that closes right after GO_AWAY with our bytes unread resets the connection.
                if peerSaidGoodbye { close(reason: nil, graceful: false) } else { fail(.socket(e)) }
                return
            } catch { fail(.connectionClosed(reason: "\(error)")); return }
            switch result {
            case .wouldBlock:
                return
            case .eof:
                // After the peer's GO_AWAY (normal), EOF is an orderly goodbye, not a failure.
                if peerSaidGoodbye {
                    close(reason: nil, graceful: false)
                } else {
                    close(reason: .connectionClosed(reason: "remote closed the TCP connection"), graceful: false)
                }
                return
            case .bytes(let n):
                StageTrace.mark(.socketRead)
                budget -= n
                host.readBuffer.withUnsafeBytes { buf in
                    let slice = UnsafeRawBufferPointer(rebasing: buf[0..<n])
                    process { try ingest(slice) }
                }
            }
        }
    }

    /// The peer sent GO_AWAY(normal): its end of the connection is an orderly goodbye, not a failure.
    private var peerSaidGoodbye: Bool {
        if case .muxed(let yamux) = stage { return yamux.remoteGoAwayCode == YamuxGoAwayCode.normal }
        return false
    }

    /// Runs `body`, then flushes once, so a burst of handler writes becomes one socket write.
    func process(_ body: () throws -> Void) {
        let nested = isProcessing
        isProcessing = true
        do { try body() } catch let e as HostError { fail(e) } catch { fail(.connectionClosed(reason: "\(error)")) }
        isProcessing = nested
        if !nested && !isClosed { flush() }
    }

    // MARK: Output

    /// Plaintext is sealed and written in slices of this size, so the bytes the kernel copies are the ones
    /// just encrypted, still in cache (sealing a whole send window first and writing it later is much slower).
    static let sealSlice = 256 << 10

    /// Moves pending muxer frames through Noise into the outbox and writes as much as the socket takes,
    /// one sealed slice at a time. A slice is sealed only once the socket took everything before it; what a
    /// full socket leaves waits as plaintext (`plaintextOut`, then the muxer) for the next writable event.
    func flush() {
        guard !isClosed else { return }
        var socketTookAll = writeToSocket()
        if socketTookAll, case .muxed(let yamux) = stage, var transport = noise {
            while socketTookAll && outbox.count - outboxStart < host.config.outboxHighWater {
                if plaintextOutStart == plaintextOut.count {
                    guard yamux.hasPendingTransmit else { break }
                    plaintextOut.removeAll(keepingCapacity: true)
                    plaintextOutStart = 0
                    yamux.drainTransmit(into: &plaintextOut)
                }
                let end = min(plaintextOutStart + Self.sealSlice, plaintextOut.count)
                do {
                    try plaintextOut.withUnsafeBytes {
                        try transport.seal(UnsafeRawBufferPointer(rebasing: $0[plaintextOutStart..<end]), appendingTo: &outbox)
                    }
                } catch let e as NoiseError { noise = transport; fail(.security(e)); return } catch { return }
                plaintextOutStart = end
                socketTookAll = writeToSocket()
            }
            noise = transport
        }
        guard !isClosed else { return }
        compactOutbox()
        setWriteInterest()
        rescheduleMuxerTimer()
    }

    /// Writes the outbox until the socket would block; true when it took everything.
    private func writeToSocket() -> Bool {
        while outboxStart < outbox.count {
            let written: Int?
            do {
                StageTrace.mark(.socketWrite)
                written = try outbox.withUnsafeBytes { try socket.write(UnsafeRawBufferPointer(rebasing: $0[outboxStart...])) }
            } catch let e as Errno {
                fail(.socket(e)); return false
            } catch { fail(.connectionClosed(reason: "\(error)")); return false }
            guard let n = written else { return false }
            outboxStart += n
        }
        return true
    }

    private func compactOutbox() {
        if outboxStart == outbox.count {
            outbox.removeAll(keepingCapacity: outbox.capacity <= 4 << 20)
            outboxStart = 0
        } else if outboxStart > 1 << 20 {
            outbox.removeFirst(outboxStart)
            outboxStart = 0
        }
    }

    func setWriteInterest() {
        guard let watch, !isClosed else { return }
        var want = outboxStart < outbox.count
        if case .connecting = stage { want = true }
        if case .muxed(let yamux) = stage, yamux.hasPendingTransmit || plaintextOutStart < plaintextOut.count { want = true }
        guard want != wantsWrite else { return }
        wantsWrite = want
        host.reactor.update(watch, want ? [.read, .write] : [.read])
    }

    /// Appends raw (pre-Noise) negotiation bytes to the outbox.
    func transmitRaw(_ mss: inout MultistreamSelect) {
        while let bytes = mss.pollTransmit() { outbox.append(contentsOf: bytes) }
    }

    /// Encrypts plaintext negotiation bytes into the outbox.
    func transmitSealed(_ bytes: [UInt8]) throws {
        guard var transport = noise else { return }
        defer { noise = transport }
        do { try bytes.withUnsafeBytes { try transport.seal($0, appendingTo: &outbox) } } catch let e as NoiseError {
            throw HostError.security(e)
        }
    }

    // MARK: Timers

    func rescheduleMuxerTimer() {
        guard case .muxed(let yamux) = stage, let deadline = yamux.nextDeadline() else { return }
        if let current = muxerTimer, current.deadline <= deadline { return }
        if let current = muxerTimer { host.reactor.cancel(current.id) }
        let timer = host.reactor.schedule(at: deadline) { [weak self] in
            guard let self, case .muxed(let yamux) = self.stage else { return }
            self.muxerTimer = nil
            self.process {
                yamux.handleTimeout(now: self.host.reactor.now)
                try self.drainMuxerEvents(yamux)
            }
            self.rescheduleMuxerTimer()
        }
        muxerTimer = (timer, deadline)
    }

    // MARK: Teardown

    /// A failure: the connection is closed at once and the host learns why.
    func fail(_ error: HostError) {
        close(reason: error, graceful: false)
    }

    /// Closes the connection. A graceful close sends yamux GO_AWAY and flushes what the socket takes.
    func close(reason: HostError?, graceful: Bool) {
        guard !isClosed else { return }
        if graceful, case .muxed(let yamux) = stage {
            yamux.goAway(0)
            flush()
            // FIN right behind GO_AWAY: if unread input makes close() send RST, the peer still reads
            // GO_AWAY and then EOF (a FIN that arrived before the RST reads as EOF, not ECONNRESET).
            socket.shutdownWrite()
        }
        stage = .closed
        if let handshakeTimer { host.reactor.cancel(handshakeTimer) }
        if let muxerTimer { host.reactor.cancel(muxerTimer.id) }
        handshakeTimer = nil
        muxerTimer = nil
        if let watch { host.reactor.unwatch(watch) }
        watch = nil
        socket.close()
        let orphaned = streams.values
        streams.removeAll()
        for stream in orphaned {
            stream.isClosed = true
            stream.handler?.streamClosed(stream, error: reason ?? .connectionClosed(reason: "closed"))
            stream.handler = nil
        }
        host.connectionClosed(self, reason: reason)
    }
}
