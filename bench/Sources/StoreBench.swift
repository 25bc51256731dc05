#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Network
import Persistence

/// (f) The SQLite store: single-message commits (what each shown message costs), batched inserts, the page
/// before a message at depths 0, 10^4 and 10^6, search, and start-up with 10^6 messages stored: the
/// in-process open + count + last 10, and the real `p2p-chat` binary's time to `ready` and its RSS.
enum StoreBench {
    static let room = "bench-room"
    static let words = ["hello", "world", "peer", "gossip", "room", "libp2p", "swift", "message", "über", "🎉",
                        "noise", "yamux", "chat", "history", "search", "random", "words", "here", "again", "ok"]

    static func record(_ n: Int, at time: Int64) -> MessageRecord {
        var id = [UInt8](repeating: 0, count: 8)
        withUnsafeBytes(of: UInt64(n).bigEndian) { id = Array($0) }
        let content = (0..<8).map { words[(n &* 7 &+ $0 &* 13 &+ n / 3) % words.count] }.joined(separator: " ") + " \(n)"
        return MessageRecord(room: room, messageID: Array("12D3KooWBench".utf8) + id, author: "12D3KooWBenchAuthor",
                             username: "bench", content: content, kind: "message", sentAt: time / 1000,
                             receivedAt: time)
    }

    static func run(messages: Int, quick: Bool) throws {
        let dir = NSTemporaryDirectory() + "p2p-chat-bench-store-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        var commits = Table("single-message commit (own transaction)", "n", "p50 µs", "p99 µs", "max µs", "msgs/s")
        /// Times `store` on messages 0..<n, one call each: sorted samples (µs), then the rate.
        func timeEach(_ n: Int, _ store: Store, between: () throws -> Void = {},
                      _ body: (MessageRecord) throws -> Void) throws -> (samples: [Double], rate: Double) {
            var samples: [Double] = []
            samples.reserveCapacity(n)
            let watch = Stopwatch()
            for i in 0..<n {
                let start = Stopwatch.now
                try body(record(i, at: 1_700_000_000_000 + Int64(i)))
                samples.append(Double((Stopwatch.now - start).nanosecondsClamped) / 1e3)
                try between()
            }
            return (samples.sorted(), Double(n) / watch.wallSeconds)
        }
        func add(_ label: String, _ run: (samples: [Double], rate: Double)) {
            commits.add(label, fmt(Double(run.samples.count), 0), fmt(percentile(run.samples, 0.5)),
                        fmt(percentile(run.samples, 0.99)), fmt(run.samples.last ?? .nan), fmt(run.rate, 0))
        }
        for durability in [Store.Durability.normal, .full] {
            let store = try Store(path: dir + "/single-\(durability.rawValue).sqlite", durability: durability)
            // As the app runs it: no automatic checkpoint inside a commit, a passive one every second.
            try store.setAutomaticCheckpoints(false)
            var lastCheckpoint = Stopwatch.now
            let n = durability == .normal ? (quick ? 2_000 : 20_000) : (quick ? 200 : 1_000)
            let run = try timeEach(n, store, between: {
                if Stopwatch.now - lastCheckpoint >= .seconds(1) {
                    try store.checkpoint()
                    lastCheckpoint = Stopwatch.now
                }
            }) { try store.messages.insert($0) }
            add("synchronous=\(durability.rawValue)", run)
            if durability == .normal { Results.storeCommit = (percentile(run.samples, 0.5), percentile(run.samples, 0.99)) }
            store.close()
        }
        // What the app does per shown line since the journal: one write(2), a batch commit every 64 lines
        // (in the p99 and max) — the commit of the rest happens later, off the line's path.
        do {
            let store = try Store(path: dir + "/journaled.sqlite")
            try store.setAutomaticCheckpoints(false)
            add("journaled append (used), batch commit per \(MessageStore.journalBatch)",
                try timeEach(quick ? 2_000 : 20_000, store) { try store.messages.append($0) })
            try store.messages.flushJournal()
            store.close()
        }
        commits.print()

        // The big store, built in batches (also the batched insert rate).
        print()
        let bigDir = dir + "/big"
        try FileManager.default.createDirectory(atPath: bigDir, withIntermediateDirectories: true)
        let total = messages + 1_000   // so depth `messages` still has a full page before it
        let batch = 10_000
        var built = try Store.open(directory: bigDir)
        let buildWatch = Stopwatch()
        var i = 0
        while i < total {
            let end = min(total, i + batch)
            try built.messages.insert(batch: (i..<end).map { record($0, at: 1_700_000_000_000 + Int64($0)) })
            // The app indexes for search in batches off the commit path; here each batch is indexed at once,
            // so the rate includes FTS5 as before.
            while try built.messages.indexPending(limit: batch) > 0 {}
            i = end
        }
        let buildSeconds = buildWatch.wallSeconds
        var batched = Table("batched insert (\(fmt(Double(batch), 0)) per transaction)", "messages", "seconds", "msgs/s")
        batched.add("into a growing store, then indexed (FTS5)", fmt(Double(total), 0), fmt(buildSeconds, 2),
                    fmt(Double(total) / buildSeconds, 0))
        batched.print()

        // Page before a message, by cursor and by message ID, at each depth from the newest.
        print()
        var pages = Table("depth (page of 50 before a message)", "by cursor p50 µs", "p99 µs", "by message ID p50 µs", "p99 µs")
        let newest = try built.messages.last(1, in: room)[0]
        let newestSeq = try require(newest.seq)
        var worst = 0.0
        for depth in [0, 10_000, messages] where depth < total {
            let target = record(total - 1 - depth, at: 1_700_000_000_000 + Int64(total - 1 - depth))
            let cursor = MessageCursor(room: room, receivedAt: target.receivedAt, seq: newestSeq - Int64(depth))
            var byCursor: [Double] = [], byID: [Double] = []
            for _ in 0..<(quick ? 200 : 2_000) {
                var start = Stopwatch.now
                let page = try built.messages.page(before: cursor, limit: 50)
                byCursor.append(Double((Stopwatch.now - start).nanosecondsClamped) / 1e3)
                guard page.count == 50 || depth >= total - 50 else { throw BenchError("short page at depth \(depth)") }
                start = Stopwatch.now
                _ = try built.messages.page(beforeMessage: target.messageID, limit: 50)
                byID.append(Double((Stopwatch.now - start).nanosecondsClamped) / 1e3)
            }
            byCursor.sort(); byID.sort()
            worst = max(worst, percentile(byCursor, 0.99), percentile(byID, 0.99))
            pages.add(fmt(Double(depth), 0), fmt(percentile(byCursor, 0.5)), fmt(percentile(byCursor, 0.99)),
                      fmt(percentile(byID, 0.5)), fmt(percentile(byID, 0.99)))
        }
        pages.print()
        Results.storePage = worst

        print()
        var search = Table("search over \(fmt(Double(total), 0)) messages: query → matches (≤ 50)", "ms")
        for query in ["gossip", "über 🎉", "hel", "\"quoted\" NEAR(x"] {
            let watch = Stopwatch()
            let found = try built.messages.search(query, limit: 50)
            search.add("\(query) → \(found.count)", fmt(watch.wallSeconds * 1000, 2))
        }
        search.print()
        built.close()

        // Start-up with the big store: what the node does before `ready`, in process.
        print()
        var startup = Table("start-up with \(fmt(Double(total), 0)) messages", "ms")
        let openWatch = Stopwatch()
        built = try Store.open(directory: bigDir)
        let opened = openWatch.wallSeconds
        let count = try built.messages.count()
        let counted = openWatch.wallSeconds
        _ = try built.messages.last(10, in: room)
        let lastTen = openWatch.wallSeconds
        built.close()
        startup.add("open (lock, WAL, migrations check)", fmt(opened * 1000, 2))
        startup.add("+ count (\(fmt(Double(count), 0)))", fmt((counted - opened) * 1000, 2))
        startup.add("+ last 10 of the room", fmt((lastTen - counted) * 1000, 2))
        startup.add("total in process", fmt(lastTen * 1000, 2))
        if let (ready, rss, anon) = try binaryStartup(dataDir: bigDir) {
            startup.add("p2p-chat binary: exec → ready event", fmt(ready * 1000, 1))
            startup.add("p2p-chat binary: RSS at ready (MB)", fmt(rss / 1e6, 1))
            startup.add("  of which anonymous (heap, stacks; the rest is mapped libraries)", fmt(anon / 1e6, 1))
            Results.storeStartup = (ready * 1000, rss / 1e6)
        } else {
            startup.add("p2p-chat binary (not found next to p2p-chat-bench)", "n/a")
        }
        startup.print()
    }

    /// Starts `$P2P_CHAT_BIN`, else the `p2p-chat` beside this executable, on `dataDir`; times exec → `ready`,
    /// reads VmRSS, quits it. (`make static` then `P2P_CHAT_BIN=.build/p2p-chat` measures the shipped binary.)
    static func binaryStartup(dataDir: String) throws -> (seconds: Double, rssBytes: Double, anonBytes: Double)? {
        let binary = ProcessInfo.processInfo.environment["P2P_CHAT_BIN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("p2p-chat").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", dataDir, "--room", room]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let watch = Stopwatch()
        try process.run()
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("p2p-chat exited before ready") }
            buffer += chunk
        }
        let seconds = watch.wallSeconds
        guard String(decoding: buffer, as: UTF8.self).contains("\"ready\"") else { throw BenchError("no ready event") }
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        func kilobytes(_ field: String) -> Double {
            status.split(separator: "\n").first { $0.hasPrefix(field) }?
                .split(separator: " ").compactMap { Double($0) }.first ?? .nan
        }
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return (seconds, kilobytes("VmRSS:") * 1024, kilobytes("RssAnon:") * 1024)
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw BenchError("missing value") }
    return value
}
