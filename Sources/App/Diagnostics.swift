import Network

/// Hidden headless commands used by the interop tests and benchmarks: a bulk echo over one stream
/// (`/echo-test`, proving yamux flow control against a real peer) and perf throughput (`/perf`).
final class Diagnostics {
    /// A test-only protocol: the server echoes every byte and half-closes after the client does.
    static let echoProtocol = "/p2p-chat-test/echo/1.0.0"

    unowned let session: ChatSession
    var host: Network.Host { session.host }

    init(session: ChatSession) {
        self.session = session
        host.setStreamHandler(Self.echoProtocol) { _ in EchoServer() }
    }

    func echo(to peer: PeerID, bytes: Int) {
        let client = EchoClient(total: bytes) { [unowned self] ok, received, digest in
            self.session.frontend.showReport(.object([
                ("event", .string("echo")), ("peer", .string(peer.base58)), ("ok", .bool(ok)),
                ("bytes", .int(received)), ("sha256", .string(digest)),
            ]))
        }
        do { try host.newStream(to: peer, protocols: [Self.echoProtocol], handler: client) } catch {
            session.frontend.showError("echo-test: \(error)")
        }
    }

    func perf(with peer: PeerID, upload: UInt64, download: UInt64) {
        host.perf(with: peer, upload: upload, download: download) { [unowned self] result in
            switch result {
            case .success(let r):
                func rate(_ bytes: UInt64, _ time: Duration) -> JSON {
                    let seconds = Double(time.nanosecondsClamped) / 1e9
                    return seconds > 0 ? .double(Double(bytes) / seconds / 1e6) : .null
                }
                self.session.frontend.showReport(.object([
                    ("event", .string("perf")), ("peer", .string(peer.base58)),
                    ("upload_bytes", .int(Int(r.uploaded))), ("upload_seconds", .double(Double(r.uploadTime.nanosecondsClamped) / 1e9)),
                    ("download_bytes", .int(Int(r.downloaded))), ("download_seconds", .double(Double(r.downloadTime.nanosecondsClamped) / 1e9)),
                    ("upload_mbps", rate(r.uploaded, r.uploadTime)), ("download_mbps", rate(r.downloaded, r.downloadTime)),
                ]))
            case .failure(let e):
                self.session.frontend.showError("perf \(peer) failed: \(e)")
            }
        }
    }
}

/// Echo server: writes back what arrives; FIN after the client's FIN.
final class EchoServer: StreamHandler {
    func stream(_ stream: HostStream, received bytes: [UInt8]) { stream.write(bytes) }
    func streamRemoteClosed(_ stream: HostStream) { stream.closeWrite() }
}

/// Deterministic bytes for transfer tests: xorshift64*, the same sequence on every run and in any
/// chunking (a word's unused bytes carry over to the next call).
struct PatternStream {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var word: UInt64 = 0
    var bytesLeftInWord = 0

    mutating func next(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            if bytesLeftInWord == 0 {
                state ^= state >> 12
                state ^= state << 25
                state ^= state >> 27
                word = state &* 0x2545_F491_4F6C_DD1D
                bytesLeftInWord = 8
            }
            out[i] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            bytesLeftInWord -= 1
        }
        return out
    }
}

/// Echo client: sends `total` pattern bytes with back-pressure, checks the echo byte for byte.
final class EchoClient: StreamHandler {
    static let chunk = 64 << 10
    static let highWater = 1 << 20

    let total: Int
    let done: (Bool, Int, String) -> Void
    var sent = 0
    var sender = PatternStream()
    var checker = PatternStream()
    var received: [UInt8] = []
    var matches = true
    var finished = false

    init(total: Int, done: @escaping (Bool, Int, String) -> Void) {
        self.total = total
        self.done = done
    }

    func streamOpened(_ stream: HostStream) { fill(stream) }
    func streamWritable(_ stream: HostStream) { fill(stream) }

    private func fill(_ stream: HostStream) {
        while sent < total && stream.queuedBytes < Self.highWater {
            let n = min(Self.chunk, total - sent)
            stream.write(sender.next(n))
            sent += n
        }
        if sent == total && !stream.isWriteClosed { stream.closeWrite() }
    }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        if checker.next(bytes.count) != bytes { matches = false }
        received += bytes
    }

    func streamRemoteClosed(_ stream: HostStream) { report() }

    func streamClosed(_ stream: HostStream, error: HostError?) { report() }

    private func report() {
        guard !finished else { return }
        finished = true
        done(matches && received.count == total, received.count, Sodium.sha256(received).hex)
    }
}
