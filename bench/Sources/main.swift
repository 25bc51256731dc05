#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Network

/// p2p-chat-bench: in-process benchmarks of the libp2p stack (see bench/README.md). Prints markdown
/// tables; a benchmark that fails prints "n/a" and the reason. Always exits 0 (except on bad usage: 64).
let usage = """
usage: p2p-chat-bench [SECTION…] [--quick] [--seconds S] [--mib N] [--rounds N] [--frames N]
sections (default: all, in this order):
  crypto     ChaCha20-Poly1305: libsodium's raw rate on 64 KiB vs NoiseTransport.seal/open; ECDSA verify µs
  handshake  Noise XX handshakes per second (in-memory pair, libp2p payload, Ed25519)
  yamux      yamux-only and Noise+yamux throughput, sessions pumped in memory
  rtt        1-byte request/response round trip on an open stream (two hosts, loopback TCP)
  perf       /perf/1.0.0 throughput between two hosts on one reactor (loopback TCP)
  pubsub     signed 200-byte messages one GossipSub engine receives, verifies, validates and forwards
  store      SQLite history: commit p50/p99, batched inserts, page before at depth 0/10^4/10^6, start-up
  dht        Kademlia provider lookups on 100, 300 and 1000 simulated DHT servers: hops, virtual latency, CPU
  tui        full-screen frames at 200×60: render (cached, after a resize), full repaint through curses, incremental
options:
  --quick      short runs (a smoke test: 0.2 s per rate, 64 MiB, 2,000 round trips)
  --seconds S  time per crypto/handshake rate (default 1.5); pubsub sends 30,000 × S messages per row
  --mib N      MiB per direction for perf and yamux (default 1024)
  --rounds N   measured round trips for rtt (default 10000)
  --store-messages N  messages in the big store (default 1000000; --quick: 100000)
  --frames N   measured frames per tui row (default 1000; --quick: 200)
hidden: tui-flood --target MULTIADDR [--room R] [--rate N] [--authors N] [--flood-seconds S]
             (the flood source of bench/tui-latency.py: N hosts publishing chat messages to the node)
"""

struct Options {
    var sections: [String] = []
    var seconds = 1.5
    var mib = 1024
    var rounds = 10_000
    var storeMessages = 1_000_000
    var quick = false
    var frames = 1_000
    var flood = TUIFlood.Options()
}

func parseOptions(_ args: [String]) -> Options? {
    var options = Options()
    var i = 0
    func value() -> String? { i += 1; return i < args.count ? args[i] : nil }
    while i < args.count {
        switch args[i] {
        case "--quick": options.seconds = 0.2; options.mib = 64; options.rounds = 2_000; options.storeMessages = 100_000; options.quick = true
            options.frames = 200
        case "--seconds": guard let v = value().flatMap(Double.init), v > 0 else { return nil }; options.seconds = v
        case "--mib": guard let v = value().flatMap(Int.init), v > 0 else { return nil }; options.mib = v
        case "--rounds": guard let v = value().flatMap(Int.init), v > 0 else { return nil }; options.rounds = v
        case "--store-messages": guard let v = value().flatMap(Int.init), v >= 10_000 else { return nil }; options.storeMessages = v
        case "--frames": guard let v = value().flatMap(Int.init), v > 0 else { return nil }; options.frames = v
        case "--target": guard let v = value() else { return nil }; options.flood.target = v
        case "--room": guard let v = value() else { return nil }; options.flood.room = v
        case "--rate": guard let v = value().flatMap(Double.init), v > 0 else { return nil }; options.flood.rate = v
        case "--authors": guard let v = value().flatMap(Int.init), v > 0 else { return nil }; options.flood.authors = v
        case "--flood-seconds": guard let v = value().flatMap(Double.init), v > 0 else { return nil }; options.flood.seconds = v
        case "tui-flood": options.sections.append("tui-flood")
        case "-h", "--help": print(usage); exit(0)
        case "all": options.sections += allSections
        case let name where allSections.contains(name): options.sections.append(name)
        default: return nil
        }
        i += 1
    }
    if options.sections.isEmpty { options.sections = allSections }
    return options
}

let allSections = ["crypto", "handshake", "yamux", "rtt", "perf", "pubsub", "store", "dht", "tui"]

guard let options = parseOptions(Array(CommandLine.arguments.dropFirst())) else {
    fputs(usage + "\n", stderr)
    exit(64)
}
signal(SIGPIPE, SIG_IGN)
if options.sections == ["tui-flood"] {
    // The flood source for bench/tui-latency.py: its own line protocol on stdout, no tables.
    do { try TUIFlood.run(options.flood) } catch { print("error \(error)"); exit(1) }
    exit(0)
}

var uts = utsname()
uname(&uts)
let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
#if DEBUG
let buildMode = "DEBUG build: numbers are meaningless, use -c release"
#else
let buildMode = "release build"
#endif
print("# p2p-chat-bench — \(buildMode) — \(release) \(machine), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cpus")
print("# MB/s = 10^6 bytes/s. \"per CPU-s\" divides by the measuring thread's CPU time (one core, unpreempted).")

for name in options.sections {
    switch name {
    case "crypto":
        section("(a) ChaCha20-Poly1305 IETF: libsodium vs the Noise transport; ECDSA verify") { try CryptoBench.run(seconds: options.seconds) }
    case "handshake":
        section("(b) Noise XX handshakes") { try NoiseBench.run(seconds: options.seconds) }
    case "yamux":
        section("(c) yamux throughput in memory") { try YamuxBench.run(bytes: options.mib * MiB) }
    case "rtt":
        section("(d) 1-byte request/response round trip") { try RoundTripBench.run(rounds: options.rounds) }
    case "perf":
        section("(e) perf over TCP + Noise + yamux, in one process") { try HostPerfBench.run(bytes: options.mib * MiB) }
    case "pubsub":
        section("(f) pubsub: receive, verify, dedup, validate, forward") { try PubSubBench.run(seconds: options.seconds) }
    case "store":
        section("(g) SQLite store (chat.sqlite)") { try StoreBench.run(messages: options.storeMessages, quick: options.quick) }
    case "dht":
        section("(h) Kademlia provider lookups, simulated network") { try DHTBench.run(sizes: options.quick ? [100] : [100, 300, 1000]) }
    case "tui":
        section("(i) full-screen frames at 200×60 (render, curses paint)") { try TUIBench.run(frames: options.frames) }
    default:
        break
    }
}
if options.sections.count > 1 && !Results.isEmpty {
    section("Summary") { Results.printSummary() }
}
exit(0)
