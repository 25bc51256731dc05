import Network

/// (e) perf (`/perf/1.0.0`) between two hosts on one reactor over loopback TCP: TCP + Noise + yamux with
/// the host's real data path (`Connection.flush` / `readAvailable`), one stream, each direction.
/// One thread does the sender's and the receiver's work in turn, so this is a lower bound on two processes.
enum HostPerfBench {
    static func perf(_ pair: HostPair, upload: UInt64, download: UInt64) throws -> Network.Host.PerfReport {
        var outcome: Result<Network.Host.PerfReport, HostError>?
        pair.client.perf(with: pair.server.peerID, upload: upload, download: download) { outcome = $0 }
        try pair.drive(seconds: 600) { outcome != nil }
        switch outcome! {
        case .success(let report): return report
        case .failure(let error): throw BenchError("perf failed: \(error)")
        }
    }

    static func run(bytes: Int) throws {
        var config = HostConfig(agentVersion: "p2p-chat-bench")
        config.enablePerf = true
        let pair = try HostPair(serverConfig: config)
        defer { pair.close() }
        _ = try perf(pair, upload: 4 << 20, download: 4 << 20)   // warm-up: window growth, buffers
        let n = UInt64(bytes)
        let cpu0 = Stopwatch()
        let up = try perf(pair, upload: n, download: 0)
        let upCPU = cpu0.cpuSeconds
        let cpu1 = Stopwatch()
        let down = try perf(pair, upload: 0, download: n)
        let downCPU = cpu1.cpuSeconds
        func seconds(_ d: Duration) -> Double { Double(d.nanosecondsClamped) / 1e9 }
        // With download 0 the upload time runs to the server's FIN; with upload 0 the download time starts at the first byte.
        let upRate = Double(up.uploaded) / seconds(up.uploadTime)
        let downRate = Double(down.downloaded) / seconds(down.downloadTime)
        Results.perf = (upRate, downRate)
        var table = Table("perf, one stream, both hosts on one reactor", "bytes", "MB/s wall", "MB/s per CPU-s", "vs raw seal")
        table.add("upload (client → server)", "\(bytes / MiB) MiB", mbps(upRate), mbps(Double(up.uploaded) / upCPU),
                  Results.rawSeal.map { percent(upRate, of: $0) } ?? "n/a")
        table.add("download (server → client)", "\(bytes / MiB) MiB", mbps(downRate), mbps(Double(down.downloaded) / downCPU),
                  Results.rawSeal.map { percent(downRate, of: $0) } ?? "n/a")
        table.print()
        print()
        print("A lower bound for two processes: here one core seals, opens and runs both TCP stacks' copies. Two processes:")
        print("bench/perf-interop.py (p2p-chat ↔ p2p-chat target ≥ 750 MB/s).")
    }
}
