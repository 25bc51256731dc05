import Network

/// (c) yamux without sockets: two `YamuxSession`s pumped in memory, one stream, the producer writing
/// 64 KiB chunks with the same back-pressure rule as the host's perf service. A second row puts Noise
/// between them (seal on one side, open in 256 KiB "reads" on the other): the whole secured muxer with no
/// TCP, the most a connection could do on one core.
enum YamuxBench {
    static let chunk = 64 << 10
    /// Queue bytes a producer keeps ahead of the peer's window (what `Host.perfHighWater` does).
    static let highWater = 4 << 20
    /// Bytes the producer writes per round before the pump moves them (a socket's worth).
    static let roundBytes = 1 << 20
    static let readLength = 256 << 10

    /// One direction of a link: the muxer's bytes, optionally through a Noise transport pair.
    struct Link {
        var seal: NoiseTransport?
        var open: NoiseTransport?
        var plain: [UInt8] = []
        var wire: [UInt8] = []
        var opened: [UInt8] = []

        /// Moves everything `from` has to send into `to`.
        mutating func carry(from: YamuxSession, to: YamuxSession, now: Instant) throws {
            guard from.hasPendingTransmit else { return }
            plain.removeAll(keepingCapacity: true)
            from.drainTransmit(into: &plain)
            guard var sealer = seal, var opener = open else {
                try to.receive(plain, now: now)
                return
            }
            wire.removeAll(keepingCapacity: true)
            try sealer.seal(plain, appendingTo: &wire)
            seal = sealer
            try wire.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let end = min(offset + YamuxBench.readLength, all.count)
                    opened.removeAll(keepingCapacity: true)
                    try opener.open(UnsafeRawBufferPointer(rebasing: all[offset..<end]), appendingTo: &opened)
                    try to.receive(opened, now: now)
                    offset = end
                }
            }
            open = opener
        }
    }

    /// Moves `total` bytes from a client stream to the server; returns the sample (units = bytes).
    static func transfer(total: Int, noise: Bool) throws -> Sample {
        var now = Stopwatch.now
        let client = YamuxSession(role: .client, now: now)
        let server = YamuxSession(role: .server, now: now)
        var up = Link(), down = Link()
        if noise {
            let (i, r) = try NoiseBench.handshake(.generate(), .generate())
            up.seal = i.transport; up.open = r.transport
            down.seal = r.transport; down.open = i.transport
        }
        let id = try client.openStream()
        let payload = [UInt8](repeating: 0x5a, count: chunk)
        var sent = 0, delivered = 0
        let watch = Stopwatch()
        while delivered < total {
            now = Stopwatch.now
            var round = 0
            while sent < total, round < roundBytes, client.queuedBytes(id) < highWater {
                let n = min(chunk, total - sent)
                try client.write(id, n == chunk ? payload[...] : payload[0..<n])
                sent += n
                round += n
            }
            try up.carry(from: client, to: server, now: now)
            while let event = server.pollEvent() {
                if case .data(let sid, let bytes) = event {
                    delivered += bytes.count
                    server.consumed(sid, bytes.count, now: now)
                }
            }
            try down.carry(from: server, to: client, now: now)
            while client.pollEvent() != nil {}
        }
        return Sample(units: Double(delivered), wallSeconds: watch.wallSeconds, cpuSeconds: watch.cpuSeconds)
    }

    static func run(bytes: Int) throws {
        var table = Table("in memory, one stream, one thread", "bytes", "MB/s wall", "MB/s per CPU-s", "vs raw seal")
        _ = try transfer(total: 16 * MiB, noise: false)   // warm-up
        let plain = try transfer(total: bytes, noise: false)
        table.add("yamux only (client → server)", "\(bytes / MiB) MiB", mbps(plain.perWallSecond), mbps(plain.perCPUSecond), "")
        let secured = try transfer(total: bytes / 2, noise: true)
        table.add("Noise + yamux (seal, open, mux; no TCP)", "\(bytes / 2 / MiB) MiB", mbps(secured.perWallSecond),
                  mbps(secured.perCPUSecond), Results.rawSeal.map { percent(secured.perCPUSecond, of: $0) } ?? "n/a")
        table.print()
        print()
        print("Noise + yamux does both ends' work in one thread (seal and open), so it is below half the raw seal rate")
        print("by construction; it measures the cost of the muxer and framing on top of the crypto.")
    }
}
