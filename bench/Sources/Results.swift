/// Headline figures gathered by the sections, printed against the targets at the end.
enum Results {
    /// libsodium ChaCha20-Poly1305 IETF seal, 64 KiB buffers, bytes per CPU second.
    nonisolated(unsafe) static var rawSeal: Double?
    /// Handshakes per CPU second, both ends in one thread; and the slower end alone.
    nonisolated(unsafe) static var handshakes: Double?
    nonisolated(unsafe) static var handshakesPerSide: Double?
    /// perf between two hosts on one reactor, bytes per wall second.
    nonisolated(unsafe) static var perf: (upload: Double, download: Double)?
    /// 1-byte round trip, µs.
    nonisolated(unsafe) static var roundTrip: (p50: Double, p99: Double)?
    /// pubsub engine with the chat validator: verified messages per CPU second and per wall second; bare verify (ours, per-author tables) per CPU second.
    nonisolated(unsafe) static var pubsub: (perCPU: Double, perWall: Double, verify: Double)?

    /// Store: single-message commit p50/p99 (µs), worst page-before p99 (µs), binary start-up (ms, MB RSS).
    nonisolated(unsafe) static var storeCommit: (p50: Double, p99: Double)?
    nonisolated(unsafe) static var storePage: Double?
    nonisolated(unsafe) static var storeStartup: (ms: Double, rssMB: Double)?

    static var isEmpty: Bool {
        rawSeal == nil && handshakes == nil && perf == nil && roundTrip == nil && pubsub == nil && storeCommit == nil
    }

    static func printSummary() {
        var table = Table("figure", "measured", "target (issue 2, 3; store: issue 4)")
        table.textColumns = [0, 2]
        if let rawSeal { table.add("libsodium ChaCha20-Poly1305 seal, one core", mbps(rawSeal) + " MB/s", "the ceiling of one stream") }
        if let handshakes {
            table.add("Noise XX handshakes/s, both ends on one core", fmt(handshakes, 0) + (handshakes >= 2500 ? " ✓" : " ✗"),
                      "≥ 2,500/s")
        }
        if let handshakesPerSide { table.add("Noise XX handshakes/s, one end per core", fmt(handshakesPerSide, 0), "") }
        if let perf {
            let fraction = rawSeal.map { " (" + percent(min(perf.upload, perf.download), of: $0) + " of seal)" } ?? ""
            table.add("perf in one process (a lower bound), up / down", mbps(perf.upload) + " / " + mbps(perf.download) + " MB/s" + fraction,
                      "≥ 750 MB/s between two processes: bench/perf-interop.py")
        }
        if let roundTrip { table.add("1-byte round trip p50 / p99", fmt(roundTrip.p50) + " / " + fmt(roundTrip.p99) + " µs", "") }
        if let pubsub {
            table.add("pubsub (ChatValidator, fan-out 6): verified msgs/s per CPU-s (wall)",
                      fmt(pubsub.perCPU, 0) + (pubsub.perCPU >= 20_000 ? " ✓" : " ✗") + " (" + fmt(pubsub.perWall, 0) + ")",
                      "≥ 20,000/s (issue 3); bare Ed25519 verify (ours): " + fmt(pubsub.verify, 0) + "/s")
        }
        if let storeCommit {
            table.add("store: single-message commit p50 / p99", fmt(storeCommit.p50) + " / " + fmt(storeCommit.p99) + " µs"
                      + (storeCommit.p99 <= 1000 ? " ✓" : " ✗"), "p99 ≤ 1 ms (issue 4)")
        }
        if let storePage {
            table.add("store: page before a message, worst p99 of all depths", fmt(storePage) + " µs" + (storePage <= 1000 ? " ✓" : " ✗"),
                      "≤ 1 ms at any depth")
        }
        if let storeStartup {
            table.add("store: p2p-chat start-up to ready / RSS, 10^6 messages",
                      fmt(storeStartup.ms) + " ms / " + fmt(storeStartup.rssMB) + " MB"
                      + (storeStartup.ms <= 100 && storeStartup.rssMB <= 30 ? " ✓" : " ✗"), "≤ 100 ms, ≤ 30 MB")
        }
        table.print()
    }
}
