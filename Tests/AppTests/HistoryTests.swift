import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// History in `<data-dir>/chat.sqlite` as the headless contract shows it: `ready.messages`, `history` and
/// `search` events, the data-directory lock (exit 75), an unreadable store (exit 74), a full disk, SIGKILL.
@Suite("p2p-chat history: stored before shown, kept across restarts", .serialized)
struct HistoryTests {
    func contents(_ event: [String: Any]) -> [String] {
        event.objects("messages").compactMap { $0.string("content") }
    }

    /// Runs p2p-chat on `dir` with stdin closed and returns its exit status and process.
    func runToExit(dataDir dir: URL) throws -> (Int32, LineProcess) {
        let process = try LineProcess(try InteropEnvironment.requireBinary(),
                                      ["--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", dir.path],
                                      name: "p2p-chat-2", environment: ChatNode.childEnvironment(dir))
        process.closeStdin()
        return (try process.waitForExit(timeout: 20), process)
    }

    @Test("history survives a restart: ready counts it, the room shows it, /history and /search find it")
    func survivesRestart() throws {
        let dir = try InteropEnvironment.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try ChatNode(dataDir: dir)
        #expect(first.ready.int("messages") == 0, "\(first.ready)")
        let start = try first.waitFor("history")
        #expect(contents(start).isEmpty, "a new store has no history: \(start)")
        for text in ["first words", "zweite Nachricht über 🎉", "a \"quoted\" *star* line"] {
            try first.send(text)
            try first.waitFor("message") { $0.string("content") == text }
        }
        try first.send("/quit")
        #expect(try first.process.waitForExit(timeout: 15) == 0)

        let second = try ChatNode(dataDir: dir)
        #expect((second.ready.int("messages") ?? 0) >= 5, "join + 3 + leave: \(second.ready)")
        let shown = try second.waitFor("history")
        #expect(shown.string("room") == "p2p-chat-default")
        #expect(contents(shown).suffix(4).prefix(3) == ["first words", "zweite Nachricht über 🎉", "a \"quoted\" *star* line"],
                "\(shown)")
        try second.send("/history 2")
        let two = try second.waitFor("history")
        #expect(contents(two).count == 2, "\(two)")
        try second.send("/search \"quoted\" *star")
        let found = try second.waitFor("search")
        #expect(found.string("query") == "\"quoted\" *star")
        #expect(contents(found) == ["a \"quoted\" *star* line"], "\(found)")
        try second.send("/search über")
        #expect(contents(try second.waitFor("search")) == ["zweite Nachricht über 🎉"])
        let first0 = try #require(shown.objects("messages").first)
        for key in ["room", "type", "from", "username", "content", "timestamp", "id", "received_at"] {
            #expect(first0[key] != nil, "history entries carry \(key): \(first0)")
        }
    }

    @Test("a second p2p-chat on the same data directory exits 75 with a clear message")
    func secondInstance() throws {
        let node = try ChatNode()
        let (status, process) = try runToExit(dataDir: node.dataDir)
        #expect(status == 75, "\(process.diagnostics())")
        let stderr = process.stderrTail()
        #expect(stderr.contains("another p2p-chat") && stderr.contains(node.dataDir.path + "/lock"), "\(stderr)")
        #expect(process.events.isEmpty, "no events from the refused instance")
        try node.send("/peers")
        try node.waitFor("peers")   // the first one is unharmed
    }

    @Test("a garbage chat.sqlite exits 74 with the path and what to do")
    func garbageStore() throws {
        let dir = try InteropEnvironment.temporaryDirectory("garbage")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("chat.sqlite").path
        try Data((0..<16384).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }).write(to: URL(fileURLWithPath: path))
        let (status, process) = try runToExit(dataDir: dir)
        #expect(status == 74, "\(process.diagnostics())")
        let stderr = process.stderrTail()
        #expect(stderr.contains(path) && stderr.contains("move it away"), "\(stderr)")
    }

    @Test("a full disk (file-size limit) is reported once; messages keep flowing and /history still answers")
    func diskFull() throws {
        let dir = try InteropEnvironment.temporaryDirectory("full")
        defer { try? FileManager.default.removeItem(at: dir) }
        // RLIMIT_FSIZE of 1 MiB: the WAL hits it after a few dozen commits and writes fail with EFBIG.
        let binary = try InteropEnvironment.requireBinary()
        let process = try LineProcess("/bin/sh", ["-c", "ulimit -f 2048; exec \"$0\" \"$@\"", binary, "--headless",
                                                  "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", dir.path],
                                      name: "p2p-chat-full", environment: ChatNode.childEnvironment(dir))
        try process.waitFor(event: "ready")
        let count = 400
        for i in 0..<count {   // one at a time: a pipe holds only 64 KiB each way
            try process.send("filler \(i) " + String(repeating: "x", count: 2000))
            try process.waitFor(event: "message", where: { ($0.string("content") ?? "").hasPrefix("filler \(i) ") },
                                failOnError: false)
        }
        let errors = process.events.filter { $0.string("event") == "error" }
        #expect(errors.count == 1, "one error event: \(errors)")
        #expect(errors.first?.string("message")?.contains("no longer saved") == true, "\(errors)")
        try process.send("/history 3")
        let history = try process.waitFor(event: "history", where: { ($0["messages"] as? [Any])?.count == 3 },
                                          failOnError: false)
        #expect(contents(history).last?.hasPrefix("filler \(count - 1) ") == true, "the newest, from memory")
        try process.send("/quit")
        #expect(try process.waitForExit(timeout: 15) == 0)
    }

    @Test("SIGKILL during a burst of incoming messages loses none that were shown")
    func sigkillMidBurst() throws {
        let dir = try InteropEnvironment.temporaryDirectory("sigkill")
        defer { try? FileManager.default.removeItem(at: dir) }
        var receiver: ChatNode? = try ChatNode(name: "receiver", dataDir: dir)
        let sender = try ChatNode(name: "sender", connect: [receiver!.loopbackAddr])
        try receiver!.waitFor("connected") { $0.string("peer") == sender.peer }
        // The subscriptions cross asynchronously: repeat a line until one arrives.
        var warm = false
        for attempt in 0..<40 where !warm {
            try sender.send("warmup \(attempt)")
            warm = (try? receiver!.process.waitFor(event: "message", where: { $0.string("from") == sender.peer },
                                                    timeout: 0.5, failOnError: false)) != nil
        }
        #expect(warm, "the sender's messages reach the receiver")
        let burst = 30   // within one author's rate-limit burst (40)
        for i in 0..<burst { try sender.send("burst \(i)") }
        for i in 0..<8 {
            try receiver!.process.waitFor(event: "message", where: { $0.string("content") == "burst \(i)" })
        }
        kill(receiver!.process.processIdentifier, SIGKILL)
        _ = try? receiver!.process.waitForExit(timeout: 15)   // reads every line it printed before dying
        let shown = receiver!.process.events.filter { $0.string("event") == "message" }.compactMap { $0.string("id") }
        #expect(shown.count >= 8)
        receiver = nil

        let restarted = try ChatNode(name: "receiver-2", dataDir: dir)
        try restarted.waitFor("history")   // the start-up replay (last 10)
        try restarted.send("/history 1000")
        let history = try restarted.waitFor("history")
        let stored = Set(history.objects("messages").compactMap { $0.string("id") })
        let missing = shown.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "shown before SIGKILL but not in /history: \(missing)")
    }

    @Test("a restarted node redials the peers it knew, without --connect")
    func redialsKnownPeers() throws {
        let dir = try InteropEnvironment.temporaryDirectory("redial")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try ChatNode(name: "known")
        var b: ChatNode? = try ChatNode(name: "dialer", connect: [a.loopbackAddr], dataDir: dir)
        try a.waitFor("connected") { $0.string("peer") == b!.peer }
        try b!.send("/quit")
        #expect(try b!.process.waitForExit(timeout: 15) == 0)
        let bPeer = b!.peer
        b = nil
        try a.waitFor("disconnected") { $0.string("peer") == bPeer }

        let again = try ChatNode(name: "dialer-2", dataDir: dir)
        let connected = try again.waitFor("connected") { $0.string("peer") == a.peer }
        #expect(connected.string("direction") == "outbound", "\(connected)")
    }
}
