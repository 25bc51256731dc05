#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TUI

/// (h) The full-screen client's frame costs at 200×60 (issue 5: a full redraw ≤ 2 ms CPU).
///
/// A realistic `ScreenState`: one room whose scrollback is full of wrapped messages (ASCII prose, CJK, emoji with
/// modifiers and ZWJ sequences, mentions of our nick, `/me` actions, joins), a sidebar of 30 peers, a status line
/// with other windows' activity, and a half-typed input line; the default theme at 256 colours. Each frame is
/// timed alone with this thread's CPU clock (`CLOCK_THREAD_CPUTIME_ID`):
///
/// - (a) `ChatScreen.render` with the scrollback's wrapped rows cached (what a frame costs when nothing reflows);
/// - (b) `render` after a resize (the width alternates 200/199 columns, so every visible entry is wrapped again);
/// - (c) a full repaint: `Terminal.invalidate()`, `render`, `Terminal.paint` (curses `wnoutrefresh` + `doupdate`
///   with `clearok`, every cell written); the terminal is a pseudo-terminal of 200×60 (`openpty`, put on fds 0
///   and 1 for the run; a thread drains and counts the bytes curses writes), so the numbers do not depend on
///   where the benchmark's output goes;
/// - (d) an incremental frame: one new message arrives and one key is typed, then `render` + `paint` (only
///   changed rows are redrawn: here the whole message pane scrolls, plus the input line).
enum TUIBench {
    static let width = 200, height = 60
    static let room = "general"
    static let ownNick = "bench"
    static let now: Int64 = 1_795_573_709

    // MARK: the state

    /// An in-memory room history: `count` entries, IDs that sort like their order.
    final class Source: HistorySource {
        var entries: [ChatEntry]
        var index: [String: Int] = [:]

        init(count: Int) {
            entries = (0..<count).map { TUIBench.entry($0) }
            for (i, e) in entries.enumerated() { index[e.id] = i }
        }

        func add(_ entry: ChatEntry) {
            index[entry.id] = entries.count
            entries.append(entry)
        }

        func page(room: String, before: ChatEntry.ID?, limit: Int) -> [ChatEntry] {
            let end = before.flatMap { index[$0] } ?? entries.count
            return Array(entries[max(0, end - limit)..<end])
        }

        func page(room: String, after: ChatEntry.ID?, limit: Int) -> [ChatEntry] {
            let start = after.flatMap { index[$0] }.map { $0 + 1 } ?? 0
            return Array(entries[start..<min(entries.count, start + limit)])
        }
    }

    static let peerNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
                            "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
                            "xavier", "yolanda", "zoe", "明", "さくら", "jürgen", "søren", "amélie", "Олег", "bench2",
                            "nobody"]

    static func key(_ i: Int) -> String { "12D3KooWBenchPeer" + String(repeating: "x", count: 30) + String(i) }
    static func label(_ i: Int) -> String {
        let hex = String(UInt32(truncatingIfNeeded: i &* 2_654_435_761) >> 16, radix: 16)
        return peerNames[i % peerNames.count] + "·" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static let words = ["the", "relay", "handshake", "is", "done", "and", "yamux", "opened", "a", "stream", "for",
                        "gossipsub", "so", "messages", "flow", "through", "mesh", "with", "low", "latency", "today",
                        "benchmark", "numbers", "look", "fine", "but", "wrapping", "long", "lines", "costs", "something"]
    static let texts = [
        "你好世界，这是一个测试消息，包含很多中文字符，用来检查宽字符的换行是否正确。今天的天气很好，我们去公园散步吧。",
        "deploy finished 🎉 👍🏽 all green ✅ — the family emoji 👨‍👩‍👧‍👦 and flags 🇯🇵🇫🇷 should take two columns each",
        "日本語のテキストも折り返しが必要です。これは長いメッセージで、画面の幅を超えるように書かれています。",
        "hey bench, can you look at the PR? bench: it is the one about reflow",
        "short",
        "ok 👌",
    ]

    /// Entry `i` of the room: mostly prose of 5–60 words, some CJK/emoji/mentions, an action or a join now and then.
    static func entry(_ i: Int) -> ChatEntry {
        let author = i % 29 + 1
        var kind = ChatEntry.Kind.message
        let text: String
        switch i % 17 {
        case 3: text = texts[0]
        case 5: text = texts[1]
        case 8: text = texts[2]
        case 11: text = texts[3]
        case 13: text = texts[4 + i % 2]
        case 15: kind = .action; text = "waves at everyone"
        case 16: kind = .join; text = ""
        default:
            let n = 5 + (i &* 7919) % 56
            text = (0..<n).map { words[($0 &* 31 &+ i) % words.count] }.joined(separator: " ")
        }
        let id = "e" + String(repeating: "0", count: max(0, 8 - String(i).count)) + String(i)
        return ChatEntry(id: id, room: room, kind: kind, authorKey: key(author), authorLabel: label(author), text: text,
                         timestamp: now - 3600 + Int64(i), isOwn: i % 23 == 0,
                         mentionsMe: text.contains(ownNick) && i % 23 != 0)
    }

    static func makeState(theme: Theme, source: Source) -> ScreenState {
        let formatter = MessageFormatter(theme: theme, ownNick: ownNick, now: now)
        let scrollback = Scrollback(room: room, source: source, formatter: formatter)
        var windows = Windows(rooms: [room, "dev", "ops", "random"])
        windows.select(0)
        for _ in 0..<4 { windows.noteEntry(in: "dev", mention: false) }
        windows.noteEntry(in: "ops", mention: true)
        let peers = [SidebarPeer(key: key(0), label: ownNick + "·beef", connected: true, isOwn: true)]
            + (1..<30).map { SidebarPeer(key: key($0), label: label($0), connected: $0 % 5 != 0) }
        let status = StatusInfo(ownLabel: ownNick + "·beef", roomMembers: 29, connections: 24, discovery: "mDNS · DHT 12 peers")
        let input = InputLine(prompt: "[general] ", text: "a reply being typed, with a wide 字 in it", cursorColumn: 41)
        return ScreenState(width: width, height: height, theme: theme, windows: windows, scrollback: scrollback,
                           peers: peers, status: status, input: input)
    }

    // MARK: timing

    struct Frames {
        var cpu: [Double] = []   // ms
        var wall: [Double] = []  // ms
        var bytes = 0

        mutating func time(_ body: () -> Void) {
            let watch = Stopwatch()
            body()
            cpu.append(watch.cpuSeconds * 1e3)
            wall.append(watch.wallSeconds * 1e3)
        }
    }

    static let targetMs = 2.0

    static func add(_ table: inout Table, _ name: String, _ f: Frames, target: Bool) {
        let cpu = f.cpu.sorted(), wall = f.wall.sorted()
        let p99 = percentile(cpu, 0.99)
        let mean = cpu.reduce(0, +) / Double(max(1, cpu.count))
        table.add(name, fmt(Double(cpu.count), 0), fmt(percentile(cpu, 0.5), 3), fmt(p99, 3), fmt(cpu.last ?? .nan, 3),
                  fmt(mean, 3), fmt(percentile(wall, 0.5), 3),
                  f.bytes > 0 ? fmt(Double(f.bytes) / Double(max(1, cpu.count)), 0) : "",
                  target ? (p99 <= targetMs ? "≤ 2 ✓" : "≤ 2 ✗") : "")
    }

    static func run(frames: Int) throws {
        let depth = ColorDepth.indexed256
        let theme = ThemeLoader.defaultTheme.resolved(for: depth)
        let source = Source(count: 5_000)
        var state = makeState(theme: theme, source: source)
        var table = Table("frame at \(width)×\(height)", "frames", "CPU ms p50", "p99", "max", "mean", "wall ms p50",
                          "bytes/frame", "target (p99, ms)")
        var sink = 0

        // (a) cached rows
        _ = ChatScreen.render(state)
        var cached = Frames()
        for _ in 0..<frames { cached.time { sink &+= ChatScreen.render(state).rows.count } }
        add(&table, "(a) ChatScreen.render, wrapped rows cached", cached, target: true)

        // (a) again with a crowded room: the sidebar sorts every peer each frame (only 56 rows show).
        var crowded = state
        crowded.peers = state.peers + (30..<150).map { SidebarPeer(key: key($0), label: label($0), connected: true) }
        var crowdedFrames = Frames()
        for _ in 0..<frames { crowdedFrames.time { sink &+= ChatScreen.render(crowded).rows.count } }
        add(&table, "(a) the same with 150 peers in the sidebar", crowdedFrames, target: true)

        // (b) after a resize: every visible entry is wrapped again
        var resized = Frames()
        for i in 0..<frames {
            state.width = i % 2 == 0 ? width - 1 : width
            resized.time { sink &+= ChatScreen.render(state).rows.count }
        }
        state.width = width
        _ = ChatScreen.render(state)
        add(&table, "(b) render after a resize (200↔199: reflow)", resized, target: true)

        // (c), (d): through curses into a pseudo-terminal
        var paintNote = ""
        do {
            let pty = try PseudoTerminal(columns: width, rows: height)
            defer { pty.restore() }
            let terminal = try Terminal.open()
            terminal.useColors(depth)
            paintNote = "pty \(width)×\(height), TERM=\(String(cString: getenv("TERM"))), \(terminal.colors.count) colours"
            var full = Frames(), fullPaint = Frames()
            let base = pty.settledBytes()
            for _ in 0..<frames {
                terminal.invalidate()
                var canvas: Canvas?
                full.time {
                    canvas = ChatScreen.render(state)
                    terminal.paint(canvas!)
                }
                terminal.invalidate()
                fullPaint.time { terminal.paint(canvas!) }
            }
            full.bytes = (pty.settledBytes() - base) / 2   // both loops repaint everything: half is one loop's
            fullPaint.bytes = full.bytes

            // (d) incremental: a new message and a typed key per frame
            var incremental = Frames(), incrementalRender = Frames()
            var typed = state.input.text
            let start = pty.settledBytes()
            for i in 0..<frames {
                let e = entry(10_000 + i)
                let new = ChatEntry(id: "n" + String(100_000 + i), room: room, kind: e.kind, authorKey: e.authorKey,
                                    authorLabel: e.authorLabel, text: e.text, timestamp: e.timestamp, mentionsMe: e.mentionsMe)
                source.add(new)
                state.scrollback?.append(new)
                typed += i % 2 == 0 ? "x" : "y"
                if typed.count > 120 { typed = "" }
                state.input.text = typed
                state.input.cursorColumn = DisplayWidth.of(typed)
                var canvas: Canvas?
                incremental.time {
                    canvas = ChatScreen.render(state)
                    terminal.paint(canvas!)
                }
                // The same frame's render alone (rows are cached now: the second render costs what (a) does).
                incrementalRender.time { sink &+= ChatScreen.render(state).rows.count }
                sink &+= canvas!.rows.count
            }
            incremental.bytes = pty.settledBytes() - start
            terminal.close()
            pty.restore()
            add(&table, "(c) full repaint: invalidate + render + paint", full, target: true)
            add(&table, "(c) of which Terminal.paint alone (curses, clearok)", fullPaint, target: false)
            add(&table, "(d) incremental: 1 new message + 1 key, render + paint", incremental, target: true)
        } catch {
            paintNote = ""
            table.add("(c) full repaint through curses", "n/a: \(error)")
            table.add("(d) incremental frame", "n/a: \(error)")
        }
        table.print()
        print()
        print("CPU = this thread's CPU time per frame (CLOCK_THREAD_CPUTIME_ID); wall includes waiting for the pty to drain.")
        print("State: 5,000-entry room (pages of \(Scrollback.pageSize)), 30 peers, 4 windows, default-dark theme at 256 colours.")
        if !paintNote.isEmpty { print("Paint: \(paintNote); bytes/frame = what curses wrote to the pty per frame.") }
        if sink == 42 { print("") }
    }
}

/// A pseudo-terminal of a fixed size put on fds 0 and 1 (the originals are kept and put back by `restore`):
/// curses writes its escape sequences into it; a thread reads the master side and counts the bytes.
final class PseudoTerminal {
    let master: Int32
    let slave: Int32
    let savedIn: Int32, savedOut: Int32
    private var restored = false
    private let lock = NSLock()
    private var count = 0
    private var savedTerm: String?

    init(columns: Int, rows: Int) throws {
        var m: Int32 = -1, s: Int32 = -1
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&m, &s, nil, nil, &size) == 0 else { throw BenchError("openpty: \(String(cString: strerror(errno)))") }
        master = m; slave = s
        fflush(stdout)
        savedIn = dup(0); savedOut = dup(1)
        savedTerm = getenv("TERM").map { String(cString: $0) }
        setenv("TERM", "xterm-256color", 1)
        unsetenv("COLORTERM")
        dup2(s, 0); dup2(s, 1)
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                lock.lock(); count += n; lock.unlock()
            }
        }
        thread.start()
    }

    var bytes: Int { lock.lock(); defer { lock.unlock() }; return count }

    /// The byte count once the master side has been quiet for 50 ms.
    func settledBytes() -> Int {
        var last = bytes
        while true {
            usleep(50_000)
            let now = bytes
            if now == last { return now }
            last = now
        }
    }

    func restore() {
        guard !restored else { return }
        restored = true
        fflush(stdout)
        dup2(savedIn, 0); dup2(savedOut, 1)
        close(savedIn); close(savedOut)
        close(slave)
        if let savedTerm { setenv("TERM", savedTerm, 1) } else { unsetenv("TERM") }
        // The master stays open for the drain thread (it ends when the slave's last fd closes).
    }
}
