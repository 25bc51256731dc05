import Network

/// (d) A 1-byte request/response on an open stream: the client writes one byte, the server's handler
/// echoes it, the client times the answer and sends the next. Both hosts share one reactor over loopback
/// TCP, so each round trip is two reactor ticks (poll, read, open, demux, handler, seal, write).
enum RoundTripBench {
    static let protocolID = "/p2p-chat-bench/echo-byte/1.0.0"

    final class EchoServer: StreamHandler {
        func stream(_ stream: HostStream, received bytes: [UInt8]) { stream.write(bytes) }
        func streamRemoteClosed(_ stream: HostStream) { stream.closeWrite() }
    }

    final class Client: StreamHandler {
        let wanted: Int
        var warmup: Int
        var samples: [Double] = []
        var sentAt = Instant.zero
        var failure: String?
        var done: Bool { samples.count >= wanted || failure != nil }

        init(rounds: Int, warmup: Int) {
            wanted = rounds
            self.warmup = warmup
            samples.reserveCapacity(rounds)
        }

        func streamOpened(_ stream: HostStream) { send(stream) }

        func stream(_ stream: HostStream, received bytes: [UInt8]) {
            let rtt = Stopwatch.now - sentAt
            guard bytes == [0x2a] else { failure = "echo returned \(bytes.count) bytes"; return }
            if warmup > 0 { warmup -= 1 } else { samples.append(Double(rtt.nanosecondsClamped) / 1e3) }
            if samples.count < wanted { send(stream) } else { stream.closeWrite() }
        }

        func streamClosed(_ stream: HostStream, error: HostError?) {
            if !done { failure = "stream closed: \(error.map { "\($0)" } ?? "early")" }
        }

        private func send(_ stream: HostStream) {
            sentAt = Stopwatch.now
            stream.write([0x2a])
        }
    }

    static func run(rounds: Int) throws {
        let pair = try HostPair()
        defer { pair.close() }
        pair.server.setStreamHandler(protocolID) { _ in EchoServer() }
        let warmup = min(1000, rounds / 10)
        let client = Client(rounds: rounds, warmup: warmup)
        try pair.client.newStream(to: pair.server.peerID, protocols: [protocolID], handler: client)
        let watch = Stopwatch()
        try pair.drive(seconds: 120) { client.done }
        if let failure = client.failure { throw BenchError(failure) }
        let sorted = client.samples.sorted()
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        Results.roundTrip = (percentile(sorted, 0.5), percentile(sorted, 0.99))
        var table = Table("1-byte echo on an open stream", "round trips", "p50 µs", "p90 µs", "p99 µs", "max µs", "mean µs")
        table.add("two hosts, one reactor, loopback TCP", fmt(Double(sorted.count), 0), fmt(percentile(sorted, 0.5)),
                  fmt(percentile(sorted, 0.9)), fmt(percentile(sorted, 0.99)), fmt(sorted.last ?? .nan), fmt(mean))
        table.print()
        print()
        print("\(fmt(Double(rounds + warmup), 0)) round trips (the first \(warmup) unmeasured) in \(fmt(watch.wallSeconds, 2)) s; "
              + "the reactor thread was on CPU \(percent(watch.cpuSeconds, of: watch.wallSeconds)) of the time.")
    }
}
