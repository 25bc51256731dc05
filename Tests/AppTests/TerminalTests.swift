import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The full-screen client in a real terminal (tmux), against headless p2p-chat peers on loopback.
@Suite("p2p-chat full screen in a terminal (tmux)", .serialized, .enabled(if: TmuxTerminal.isAvailable, TmuxTerminal.skipReason))
struct TerminalTests {
    /// A full-screen node in its own tmux server and data directory.
    final class ScreenNode {
        let terminal: TmuxTerminal
        let dataDir: URL
        /// Left in place when a test starts another node on it.
        var keepsDataDir = false

        init(room: String, nick: String, connect: [String] = [], dataDir: URL? = nil, listen: String = "/ip4/127.0.0.1/tcp/0",
             width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
            self.dataDir = try dataDir ?? InteropEnvironment.temporaryDirectory("screen")
            var command = [try InteropEnvironment.requireBinary(), "--listen", listen,
                           "--data-dir", self.dataDir.path, "--room", room, "--nick", nick, "--no-mdns", "--no-dht"]
            for addr in connect { command += ["--connect", addr] }
            terminal = try TmuxTerminal(command, width: width, height: height, environment: [
                "XDG_DATA_HOME": self.dataDir.appendingPathComponent("xdg").path,
                "XDG_CONFIG_HOME": self.dataDir.appendingPathComponent("config").path,
                "LANG": "C.UTF-8", "NO_COLOR": "",
            ].merging(environment) { $1 })
        }

        /// Types a line and presses Enter.
        func say(_ line: String) throws {
            try terminal.type(line)
            try terminal.press("Enter")
        }

        /// The p2p-chat process (the child of the pane's shell).
        func pid() throws -> Int32 {
            let shell = try terminal.format("#{pane_pid}")
            let pgrep = Process()
            pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
            pgrep.arguments = ["-P", shell]
            let out = Pipe()
            pgrep.standardOutput = out
            try pgrep.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            pgrep.waitUntilExit()
            guard let pid = Int32(text.split(separator: "\n").first ?? "") else {
                throw TmuxTerminal.Failure(description: "no p2p-chat under the pane's shell \(shell)")
            }
            return pid
        }

        /// The terminal after the program exited: status 0, cooked mode back, no alternate screen or mouse.
        func expectRestored(_ context: String, status expected: Int32 = 0) throws {
            let (status, screen) = try terminal.waitForExit()
            #expect(status == expected, "\(context): exit status; screen:\n\(screen)")
            let stty = screen.split(separator: "\n").first { $0.contains("STTY") }.map(String.init) ?? ""
            #expect(stty.contains("icanon") && !stty.contains("-icanon"), "\(context): canonical mode back: \(stty)")
            #expect(stty.contains("echo") && !stty.contains("-echo "), "\(context): echo back: \(stty)")
            #expect(stty.contains("isig") && !stty.contains("-isig"), "\(context): signals back: \(stty)")
            #expect(try terminal.format("#{alternate_on}") == "0", "\(context): alternate screen left")
            #expect(try terminal.format("#{mouse_any_flag}#{mouse_sgr_flag}") == "00", "\(context): mouse reporting off")
            #expect(try terminal.format("#{cursor_flag}") == "1", "\(context): cursor shown")
        }

        deinit {
            terminal.close()
            if !keepsDataDir { try? FileManager.default.removeItem(at: dataDir) }
        }
    }

    static func uniqueRoom(_ label: String) -> String { "tui-\(label)-\(UUID().uuidString.prefix(8))" }

    /// Headless bob and full-screen alice (nicks as named) in a fresh room, each seeing the other in it;
    /// returns alice's PeerID too.
    static func screenWithHeadlessPeer(_ label: String) throws -> (ChatNode, ScreenNode, String) {
        let room = uniqueRoom(label)
        let bob = try ChatNode(name: "bob", room: room, nick: "bob")
        let alice = try ScreenNode(room: room, nick: "alice", connect: [bob.loopbackAddr])
        let alicePeer = try bob.waitFor("connected").string("peer") ?? ""
        try bob.waitUntilPeer(alicePeer, inRoom: room)
        try alice.terminal.waitFor(text: "1 in room")
        return (bob, alice, alicePeer)
    }

    @Test("the status line shows the room and our nick; /quit leaves the terminal as it was")
    func startAndQuit() throws {
        let room = Self.uniqueRoom("start")
        let node = try ScreenNode(room: room, nick: "alice")
        try node.terminal.waitFor(text: "[1:\(room)]")
        let screen = try node.terminal.waitFor(text: "alice joined")
        #expect(screen.contains("alice·"), "own label in the status line and sidebar:\n\(screen)")
        try node.say("/frobnicate now")
        try node.terminal.waitFor(text: "unknown command /frobnicate (/help lists them)")
        try node.say("/join")
        try node.terminal.waitFor(text: "usage: /join ROOM")
        try node.say("/quit")
        try node.expectRestored("/quit")
    }

    @Test("rooms are windows: /join opens one, Alt-1 and Alt-2 switch, the rooms come back after a restart")
    func windows() throws {
        let room = Self.uniqueRoom("win"), other = Self.uniqueRoom("other")
        let dir = try InteropEnvironment.temporaryDirectory("windows")
        do {
            let node = try ScreenNode(room: room, nick: "alice", dataDir: dir)
            try node.terminal.waitFor(text: "[1:\(room)]")
            try node.say("/join \(other)")
            try node.terminal.waitFor(text: "[2:\(other)]")
            try node.say("in the other room")
            try node.terminal.press("M-1")
            try node.terminal.waitFor(text: "[1:\(room)]")
            try node.say("/quit")
            try node.expectRestored("/quit with two rooms")
            node.keepsDataDir = true
        }
        let node = try ScreenNode(room: room, nick: "alice", dataDir: dir)
        var screen = try node.terminal.waitFor("the start room current, after the other") { $0.contains("[2:\(room)]") }
        #expect(!screen.contains("in the other room"), "the other room's lines are in its own window:\n\(screen)")
        #expect(!screen.contains("─ new ─"), "our own lines are never unread:\n\(screen)")
        try node.terminal.press("M-1")
        screen = try node.terminal.waitFor(text: "in the other room")
        #expect(screen.contains("[1:\(other)]"))
        try node.say("/quit")
        try node.expectRestored("/quit after a restart")
    }

    @Test("SIGTERM quits gracefully and leaves the terminal as it was")
    func sigterm() throws {
        let node = try ScreenNode(room: Self.uniqueRoom("term"), nick: "alice")
        try node.terminal.waitFor(text: "alice joined")
        try node.terminal.type("half a line")
        try node.terminal.waitFor(text: "half a line")
        kill(try node.pid(), SIGTERM)
        try node.expectRestored("SIGTERM")
    }

    @Test("a crash (SIGSEGV, SIGABRT) still leaves the terminal as it was", arguments: [SIGSEGV, SIGABRT])
    func crash(_ signal: Int32) throws {
        let node = try ScreenNode(room: Self.uniqueRoom("crash"), nick: "alice",
                                  environment: ["SWIFT_BACKTRACE": "enable=no"])
        try node.terminal.waitFor(text: "alice joined")
        kill(try node.pid(), signal)
        try node.expectRestored("signal \(signal)", status: 128 + signal)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TmuxTerminal.Failure(description: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("two full-screen nodes on loopback: each line on the other's screen, the peer in the sidebar, a resize redraw, clean terminals after /quit")
    func twoScreens() throws {
        let room = Self.uniqueRoom("two")
        // Alice's identity first (a short headless run on her data directory), so Bob can dial her PeerID.
        let aliceDir = try InteropEnvironment.temporaryDirectory("screen-alice")
        let probe = try ChatNode(name: "alice-identity", dataDir: aliceDir)
        let alicePeer = probe.peer
        try probe.send("/quit")
        #expect(try probe.process.waitForExit() == 0)
        let port = try Self.freePort()
        let alice = try ScreenNode(room: room, nick: "alice", dataDir: aliceDir, listen: "/ip4/127.0.0.1/tcp/\(port)")
        try alice.terminal.waitFor(text: "alice·")
        let bob = try ScreenNode(room: room, nick: "bob", connect: ["/ip4/127.0.0.1/tcp/\(port)/p2p/\(alicePeer)"])
        let aliceSuffix = String(alicePeer.suffix(4))
        // Bob's own label (nick·last 4 of his PeerID) is on his status line.
        let bobScreen = try bob.terminal.waitFor("bob's status line") { $0.contains("bob·") }
        let bobSuffix = String(bobScreen.components(separatedBy: "bob·")[1].prefix(4))
        // Each sees the other in the room and in the sidebar, connected (the nick arrives with their first line).
        try alice.terminal.waitFor("bob in alice's sidebar") { $0.contains("1 in room") && $0.contains("·\(bobSuffix)") }
        try bob.terminal.waitFor("alice in bob's sidebar") { $0.contains("1 in room") && $0.contains("·\(aliceSuffix)") }

        try alice.say("hello bob, from alice's screen")
        var screen = try bob.terminal.waitFor(text: "hello bob, from alice's screen")
        #expect(screen.contains("<alice·\(aliceSuffix)>"), "alice's label on bob's screen:\n\(screen)")
        try bob.say("hi alice, typed on bob's screen")
        screen = try alice.terminal.waitFor(text: "hi alice, typed on bob's screen")
        #expect(screen.contains("<bob·\(bobSuffix)>"), "bob's label on alice's screen:\n\(screen)")
        try alice.terminal.waitFor("bob's nick in alice's sidebar") { $0.contains("● bob·\(bobSuffix)") }

        try bob.terminal.resize(width: 60, height: 16)
        screen = try bob.terminal.waitFor("bob's narrow redraw") { !$0.contains("│") && $0.contains("hello bob") }
        for line in screen.split(separator: "\n") { #expect(line.count <= 60, "every row fits 60 columns: \(line)") }
        try bob.terminal.resize(width: 100, height: 30)
        try bob.terminal.waitFor("bob's wide redraw, sidebar back") { $0.contains("│") && $0.contains("● alice·\(aliceSuffix)") }

        try bob.say("/quit")
        try bob.expectRestored("bob's /quit")
        try alice.terminal.waitFor(text: "← bob·")   // bob's leave, flushed before he quit, on alice's screen
        try alice.say("/quit")
        try alice.expectRestored("alice's /quit")
    }

    @Test("chat with a headless peer: our line reaches it, its lines show with its nick, hostile text shows as escapes")
    func chatWithHeadlessPeer() throws {
        let (bob, alice, alicePeer) = try Self.screenWithHeadlessPeer("chat")

        try alice.say("hello from the screen")
        let got = try bob.waitForMessage(content: "hello from the screen", from: alicePeer)
        #expect(got.string("username") == "alice")
        try alice.terminal.waitFor(text: "hello from the screen")

        let bobLabel = "bob·" + bob.peer.suffix(4)
        try bob.send("hi alice, from bob")
        var screen = try alice.terminal.waitFor(text: "hi alice, from bob")
        #expect(screen.contains("<\(bobLabel)>"), "bob's nick and PeerID suffix label his line:\n\(screen)")
        screen = try alice.terminal.waitFor("bob in the sidebar") { $0.contains("● \(bobLabel)") }

        try alice.say("/me waves")
        let action = try bob.waitForMessage(content: "/me waves", from: alicePeer)
        #expect(action.string("type") == "message", "an action travels as a message: \(action)")
        screen = try alice.terminal.waitFor(text: "* alice·")
        #expect(screen.contains("waves") && !screen.contains("/me waves"), "shown as an action:\n\(screen)")
        try bob.send("alice: are you there?")
        try alice.terminal.waitFor(text: "are you there?")
        #expect(try alice.terminal.format("#{window_bell_flag}") == "1", "a mention rings the bell")

        try bob.send("evil \u{1B}[2J\u{1B}]0;pwned\u{07} \u{202E}gnp.exe end")
        screen = try alice.terminal.waitFor(text: "gnp.exe end")
        #expect(screen.contains("^[[2J"), "CSI shown as text:\n\(screen)")
        #expect(screen.contains("^[]0;pwned^G"), "OSC and BEL shown as text:\n\(screen)")
        #expect(screen.contains("<U+202E>gnp.exe"), "the bidi override shown as text:\n\(screen)")
        #expect(try alice.terminal.format("#{pane_title}") != "pwned", "the OSC title was not interpreted")

        try alice.terminal.resize(width: 50, height: 20)
        screen = try alice.terminal.waitFor("the narrow layout") { !$0.contains("│") && $0.contains("hi alice") }
        #expect(!screen.contains("● \(bobLabel)"), "the sidebar hides on a narrow terminal:\n\(screen)")
        for line in screen.split(separator: "\n") {
            #expect(line.count <= 50, "every row fits 50 columns: \(line)")
        }
        try alice.say("/quit")
        try bob.waitForMessage(where: { $0.string("type") == "leave" && $0.string("from") == alicePeer })
        try alice.expectRestored("/quit with a peer")
    }

    @Test("a confirmed multi-line paste is sent as text, its / lines too: a pasted /nick or /quit runs nothing")
    func pastedLinesAreText() throws {
        let (bob, alice, alicePeer) = try Self.screenWithHeadlessPeer("paste")

        try alice.terminal.type("\u{1B}[200~pasted one\n/nick mallory\n/quit\n\u{1B}[201~")
        try alice.terminal.waitFor(text: "(y/n)")
        try alice.terminal.type("y")
        for line in ["pasted one", "/nick mallory", "/quit"] {
            let got = try bob.waitForMessage(content: line, from: alicePeer)
            #expect(got.string("username") == "alice", "sent as text under the old nick: \(got)")
        }
        try alice.terminal.waitFor(text: "/quit")
        #expect(kill(try alice.pid(), 0) == 0, "the pasted /quit did not quit")
        try alice.say("/quit")
        try alice.expectRestored("/quit after the paste")
    }

    @Test("a paste longer than the pacer's burst: the status line counts the queued lines down, then drops the count")
    func queuedLinesInStatus() throws {
        let (bob, alice, alicePeer) = try Self.screenWithHeadlessPeer("queued")
        let lines = (1...60).map { "paste line \($0)" }
        try alice.terminal.type("\u{1B}[200~" + lines.joined(separator: "\n") + "\n\u{1B}[201~")
        try alice.terminal.waitFor(text: "(y/n)")
        try alice.terminal.type("y")
        let screen = try alice.terminal.waitFor("a queued count") { $0.contains(" queued") }
        #expect(screen.contains("conn · "), "the count sits in the status line:\n\(screen)")
        try bob.waitForMessage(content: "paste line 60", from: alicePeer)
        try alice.terminal.waitFor("the count gone") { !$0.contains(" queued") && $0.contains("paste line 60") }
        try alice.say("/quit")
        try alice.expectRestored("/quit after a paced paste")
    }

    @Test("a message that arrived while its room was not shown is below the unread marker after a restart")
    func unreadMarker() throws {
        let room = Self.uniqueRoom("unread"), other = Self.uniqueRoom("elsewhere")
        let dir = try InteropEnvironment.temporaryDirectory("unread")
        let bob = try ChatNode(name: "bob", room: room, nick: "bob")
        do {
            let alice = try ScreenNode(room: room, nick: "alice", connect: [bob.loopbackAddr], dataDir: dir)
            let alicePeer = try bob.waitFor("connected").string("peer") ?? ""
            try bob.waitUntilPeer(alicePeer, inRoom: room)
            try alice.terminal.waitFor(text: "1 in room")
            try alice.say("/join \(other)")
            try alice.terminal.waitFor(text: "[2:\(other)]")
            try bob.send("while you were away")
            try alice.terminal.waitFor(text: "[1:\(room) 1]")   // counted as unread in window 1
            try alice.say("/quit")
            try alice.expectRestored("/quit with an unread room")
            alice.keepsDataDir = true
        }
        let alice = try ScreenNode(room: room, nick: "alice", dataDir: dir)
        let screen = try alice.terminal.waitFor(text: "while you were away")
        let rows = screen.split(separator: "\n").map(String.init)
        let marker = rows.firstIndex { $0.contains("─ new ─") }
        let message = rows.firstIndex { $0.contains("while you were away") }
        #expect(marker != nil && message != nil && marker! < message!, "the marker above the unread line:\n\(screen)")
        try alice.say("/quit")
        try alice.expectRestored("/quit after the restart")
    }

    @Test("PgUp pages older stored history in, PgDn returns to the newest")
    func scrollback() throws {
        let room = Self.uniqueRoom("pages")
        let dir = try InteropEnvironment.temporaryDirectory("pages")
        do {   // a headless run fills the store
            let writer = try ChatNode(name: "writer", room: room, nick: "writer", dataDir: dir)
            for i in 1...40 { try writer.send(String(format: "stored line %02d", i)) }
            try writer.waitForMessage(content: "stored line 40")
            writer.process.closeStdin()
            _ = try writer.process.waitForExit()
        }
        let node = try ScreenNode(room: room, nick: "writer", dataDir: dir, width: 80, height: 24)
        var screen = try node.terminal.waitFor(text: "stored line 40")
        #expect(!screen.contains("stored line 05"), "old lines are above the pane at first:\n\(screen)")
        try node.terminal.press("PPage")
        // Both in one capture: tmux may show a frame half drawn while its bytes are still arriving.
        screen = try node.terminal.waitFor("older lines, and -MORE on the status line") {
            $0.contains("stored line 05") && $0.contains("-MORE")
        }
        #expect(!screen.contains("stored line 40"), "the newest line scrolled out below:\n\(screen)")
        try node.terminal.press("NPage", "NPage")
        screen = try node.terminal.waitFor("the newest lines again") { $0.contains("stored line 40") && !$0.contains("stored line 05") }
        try node.say("/quit")
        try node.expectRestored("/quit after scrolling")
    }

    @Test("TERM=dumb runs headless on the terminal, with the notice")
    func dumbTerminal() throws {
        let dir = try InteropEnvironment.temporaryDirectory("dumb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try TmuxTerminal([try InteropEnvironment.requireBinary(), "--listen", "/ip4/127.0.0.1/tcp/0",
                                         "--data-dir", dir.path, "--no-mdns", "--no-dht"],
                                        environment: ["TERM": "dumb", "XDG_DATA_HOME": dir.path + "/xdg"])
        let screen = try terminal.waitFor(text: "\"event\":\"ready\"")
        #expect(screen.contains("no usable terminal (TERM=dumb"), "the notice:\n\(screen)")
        #expect(try terminal.format("#{alternate_on}") == "0")
        try terminal.type("/quit")
        try terminal.press("Enter")
        #expect(try terminal.waitForExit().status == 0)
    }

    @Test("stdin that is not a terminal runs headless with a notice on stderr")
    func notATerminal() throws {
        let dir = try InteropEnvironment.temporaryDirectory("notty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = try LineProcess(try InteropEnvironment.requireBinary(),
                                      ["--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", dir.path, "--no-mdns", "--no-dht"], name: "p2p-chat",
                                      environment: ChatNode.childEnvironment(dir))
        try process.waitFor(event: "ready")
        process.closeStdin()
        #expect(try process.waitForExit() == 0)
        #expect(process.stderrTail().contains("no usable terminal"), "notice: \(process.stderrTail())")
        #expect(process.nonJSONLines.isEmpty, "stdout stays JSON: \(process.nonJSONLines)")
    }
}
