/// `/perf/1.0.0` (specs perf/perf.md): served only when `HostConfig.enablePerf` is set, and a client
/// that measures upload and download throughput against a peer.
extension Host {
    /// Bytes queued on a perf stream (beyond the peer's window) before the producer waits for
    /// `streamWritable`. The queue is refilled as soon as a window update drains it, so it need not be
    /// large; a small one stays in cache.
    static let perfHighWater = 1 << 20

    /// What one perf run measured.
    public struct PerfReport: Sendable {
        public var uploaded: UInt64
        public var downloaded: UInt64
        /// From the stream's opening to the first downloaded byte (the server answers after our FIN).
        public var uploadTime: Duration
        /// From the first downloaded byte to the server's FIN.
        public var downloadTime: Duration
    }

    func registerPerf() {
        setStreamHandler(Perf.protocolID) { _ in PerfService() }
    }

    /// Runs one perf measurement; `completion` runs once on the reactor thread.
    public func perf(with peer: PeerID, upload: UInt64, download: UInt64,
                     completion: @escaping (Result<PerfReport, HostError>) -> Void) {
        let client = PerfRunner(host: self, upload: upload, download: download, completion: completion)
        do { _ = try newStream(to: peer, protocols: [Perf.protocolID], handler: client) } catch let e as HostError {
            completion(.failure(e))
        } catch {
            completion(.failure(.connectionClosed(reason: "\(error)")))
        }
    }
}

/// Moves a perf machine's output onto a stream while the muxer's queue is short.
private func pump(_ next: () -> PerfOutput?, into stream: HostStream) {
    while stream.queuedBytes < Host.perfHighWater, !stream.isWriteClosed, let output = next() {
        switch output {
        case .data(let bytes): stream.write(bytes)
        case .closeWrite: stream.closeWrite()
        }
    }
}

/// The server side: discard the upload until FIN, then send what was asked for.
final class PerfService: StreamHandler {
    var server = PerfServer()

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        do { try server.receive(bytes) } catch { stream.reset() }
    }

    func streamRemoteClosed(_ stream: HostStream) {
        do { try server.receiveEOF() } catch { stream.reset(); return }
        pump({ server.pollTransmit() }, into: stream)
    }

    func streamWritable(_ stream: HostStream) { pump({ server.pollTransmit() }, into: stream) }
}

/// The client side of one perf run.
final class PerfRunner: StreamHandler {
    unowned let host: Host
    var client: PerfClient
    let completion: (Result<Host.PerfReport, HostError>) -> Void
    var opened = Instant.zero
    var firstByte: Instant?
    var done = false

    init(host: Host, upload: UInt64, download: UInt64, completion: @escaping (Result<Host.PerfReport, HostError>) -> Void) {
        self.host = host
        self.client = PerfClient(uploadSize: upload, downloadSize: download, now: host.reactor.preciseNow)
        self.completion = completion
    }

    func streamOpened(_ stream: HostStream) {
        opened = host.reactor.preciseNow
        pump({ client.pollTransmit() }, into: stream)
    }

    func streamWritable(_ stream: HostStream) { pump({ client.pollTransmit() }, into: stream) }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        if firstByte == nil { firstByte = host.reactor.preciseNow }
        do { try client.receive(bytes) } catch { finish(.failure(.connectionClosed(reason: "perf: \(error)"))); stream.reset() }
    }

    func streamRemoteClosed(_ stream: HostStream) {
        let now = host.reactor.preciseNow
        do {
            let result = try client.receiveEOF(now: now)
            let first = firstByte ?? now
            finish(.success(Host.PerfReport(uploaded: result.uploaded, downloaded: result.downloaded,
                                            uploadTime: first - opened, downloadTime: now - first)))
        } catch {
            finish(.failure(.connectionClosed(reason: "perf: \(error)")))
        }
    }

    func streamClosed(_ stream: HostStream, error: HostError?) {
        finish(.failure(error ?? .connectionClosed(reason: "perf stream closed early")))
    }

    private func finish(_ result: Result<Host.PerfReport, HostError>) {
        guard !done else { return }
        done = true
        completion(result)
    }
}
