import Foundation
import Logging
import Network

/// Where headless events go: one JSON object per line.
protocol EventOutput: AnyObject {
    func emit(_ event: JSON)
}

/// stdout, flushed per line (it is a pipe for bots and tests).
final class StandardOutput: EventOutput {
    func emit(_ event: JSON) {
        let line = Array((event.rendered + "\n").utf8)
        var offset = 0
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}

/// The headless front end: commands on stdin, JSON events on stdout (DESIGN.md, "Command line and
/// headless mode"). EOF on stdin, `/quit`, SIGINT and SIGTERM all quit gracefully.
final class HeadlessSession {
    /// A longer stdin line is rejected with an error event (and the buffer dropped).
    static let maxLineLength = 64 << 10

    let host: Network.Host
    let reactor: Reactor
    let rooms: ChatRooms
    let output: EventOutput
    let history: History
    let knownPeers: KnownPeers
    let log = Logger(label: "p2p-chat.headless")
    var stdinWatch: WatchID?
    var lineBuffer: [UInt8] = []
    var isQuitting = false
    var diagnostics: Diagnostics!

    init(host: Network.Host, reactor: Reactor, rooms: ChatRooms, history: History, output: EventOutput) {
        self.host = host
        self.reactor = reactor
        self.rooms = rooms
        self.history = history
        self.knownPeers = KnownPeers(store: history.store, me: host.peerID)
        self.output = output
    }

    func start(connectingTo addresses: [Multiaddr]) throws {
        diagnostics = Diagnostics(session: self)
        host.onEvent = { [unowned self] in self.handle($0) }
        for signal in [SIGINT, SIGTERM] {
            try reactor.onSignal(signal) { [unowned self] in self.quit() }
        }
        stdinWatch = reactor.watch(0, .read) { [unowned self] _ in self.readStdin() }
        // Committed before shown: a line that was printed is on disk, whatever happens next.
        rooms.onLine = { [unowned self] in self.history.record($0); self.emit($0) }
        let startRoom = rooms.current
        output.emit(.object([
            ("event", .string("ready")),
            ("peer", .string(host.peerID.base58)),
            ("addrs", .array(host.listenAddresses.map { .string($0.description) })),
            ("agent", .string(host.config.agentVersion)),
            ("room", .string(startRoom)),
            ("nick", .string(rooms.nick)),
            ("messages", .int(history.messageCount)),
        ]))
        // The rooms of the last run, then the start room (last, so it is current); each shows its history first.
        for room in history.joinedRooms where room != startRoom && ChatRooms.isValidRoom(room) { join(room) }
        join(startRoom)
        for address in addresses { host.dial(address) }
        knownPeers.redialAll(with: host)
    }

    /// The longest we wait, after sending `leave`, for pubsub peers to confirm they have read it.
    static let quitLinger: Duration = .seconds(2)
    /// Pubsub peers whose ping round trip (after our `leave`) we are waiting for before closing.
    var lingering: Set<PeerID> = []
    var lingerTimer: TimerID?
    var isClosing = false

    /// Sends `leave` to every room, then closes. Writing the `leave` before the GO_AWAY is not enough:
    /// py-libp2p tears the whole yamux session down on GO_AWAY and drops stream data its pubsub reader has
    /// not consumed yet. So we first ping every pubsub peer (the ping goes out behind the `leave` on the same
    /// connection, and its echo comes back after the peer has taken the `leave` in) and close once every
    /// echo, failure or disconnect is in, or after `quitLinger`. A second quit (signal, EOF) closes at once.
    func quit() {
        guard !isQuitting else { finishQuit(); return }
        isQuitting = true
        log.info("quitting")
        if let stdinWatch { reactor.unwatch(stdinWatch) }
        stdinWatch = nil
        rooms.leaveAll()
        lingering = Set(rooms.pubsub.peers.filter { host.isConnected($0) })
        guard !lingering.isEmpty else { finishQuit(); return }
        lingerTimer = reactor.schedule(after: Self.quitLinger) { [unowned self] in
            self.lingerTimer = nil
            self.log.info("quit: \(self.lingering.count) peer(s) did not answer in time")
            self.finishQuit()
        }
        for peer in lingering.sorted() { host.ping(peer) }
    }

    private func lingerDone(_ peer: PeerID) {
        guard isQuitting, lingering.remove(peer) != nil, lingering.isEmpty else { return }
        finishQuit()
    }

    private func finishQuit() {
        guard !isClosing else { return }
        isClosing = true
        if let lingerTimer { reactor.cancel(lingerTimer) }
        lingerTimer = nil
        host.close()
        history.close()
        reactor.stop()
    }

    func error(_ message: String) {
        output.emit(.object([("event", .string("error")), ("message", .string(message))]))
    }

    // MARK: stdin

    /// One buffer for every stdin read.
    private var chunk = [UInt8](repeating: 0, count: 16 << 10)

    private func readStdin() {
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            quit(); return
        }
        if n == 0 {   // EOF: run what is left, then quit
            if !lineBuffer.isEmpty { runLine(String(decoding: lineBuffer, as: UTF8.self)) }
            lineBuffer.removeAll()
            quit(); return
        }
        lineBuffer += chunk[0..<n]
        while let newline = lineBuffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: lineBuffer[..<newline], as: UTF8.self)
            lineBuffer.removeSubrange(...newline)
            runLine(line)
            if stdinWatch == nil { return }
        }
        if lineBuffer.count > Self.maxLineLength {
            lineBuffer.removeAll()
            error("input line longer than \(Self.maxLineLength) bytes dropped")
        }
    }

    // MARK: Commands

    /// Sorted command table; a unique prefix selects a command (`/pi` → `/ping`).
    static let commands: [(name: String, usage: String, hidden: Bool)] = [
        ("echo-test", "/echo-test PEERID NBYTES", true),
        ("history", "/history [N]", false),
        ("join", "/join ROOM", false),
        ("leave", "/leave [ROOM]", false),
        ("nick", "/nick NAME", false),
        ("peers", "/peers", false),
        ("perf", "/perf PEERID UPLOAD DOWNLOAD", true),
        ("ping", "/ping PEERID", false),
        ("quit", "/quit", false),
        ("rooms", "/rooms", false),
        ("search", "/search TEXT", false),
    ]

    /// The line without leading and trailing whitespace (cheaper than Foundation's trimming on the hot path).
    static func trimmed(_ raw: String) -> String {
        let scalars = raw.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    func runLine(_ raw: String) {
        let line = Self.trimmed(raw)
        guard !line.isEmpty else { return }
        guard line.hasPrefix("/") else {
            attempt { try rooms.say(line) }
            return
        }
        let words = line.dropFirst().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let word = words.first else { return }
        let matches = Self.commands.filter { $0.name == word || (!$0.hidden && $0.name.hasPrefix(word)) }
        let exact = matches.first { $0.name == word }
        guard let command = exact ?? (matches.count == 1 ? matches[0] : nil) else {
            error(matches.isEmpty ? "unknown command /\(word)" : "ambiguous command /\(word): "
                  + matches.map { "/" + $0.name }.joined(separator: ", "))
            return
        }
        let args = Array(words.dropFirst())
        switch command.name {
        case "peers": printPeers()
        case "join":
            guard args.count == 1 else { error("usage: \(command.usage)"); return }
            guard !rooms.rooms.contains(args[0]) else { error("already in room \(args[0])"); return }
            join(args[0])
        case "leave":
            guard args.count <= 1 else { error("usage: \(command.usage)"); return }
            let room = args.first ?? rooms.current
            attempt { try rooms.leave(room); history.setJoined(room, false) }
        case "nick":
            guard args.count == 1 else { error("usage: \(command.usage)"); return }
            attempt { try rooms.setNick(args[0]); history.saveNick(args[0]) }
        case "history":
            guard args.count <= 1, let n = args.first.map({ Int($0) }) ?? History.defaultCount,
                  (1...History.maxCount).contains(n) else {
                error("usage: \(command.usage), N from 1 to \(History.maxCount)"); return
            }
            history.emitHistory(room: rooms.current, count: n)
        case "search":
            let text = line.dropFirst().drop { !$0.isWhitespace }.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { error("usage: \(command.usage)"); return }
            history.emitSearch(text)
        case "rooms":
            output.emit(.object([("event", .string("rooms")), ("current", .string(rooms.current)),
                                 ("rooms", .array(rooms.rooms.map { .string($0) }))]))
        case "ping":
            guard args.count == 1, let peer = try? PeerID(args[0]) else { error("usage: \(command.usage)"); return }
            host.ping(peer)
        case "quit": quit()
        case "echo-test":
            guard args.count == 2, let peer = try? PeerID(args[0]), let n = Int(args[1]), n >= 0 else {
                error("usage: \(command.usage)"); return
            }
            diagnostics.echo(to: peer, bytes: n)
        case "perf":
            guard args.count == 3, let peer = try? PeerID(args[0]), let up = UInt64(args[1]), let down = UInt64(args[2]) else {
                error("usage: \(command.usage)"); return
            }
            diagnostics.perf(with: peer, upload: up, download: down)
        default: error("unknown command /\(word)")
        }
    }

    /// Shows the room's stored history, then joins it (so our own `join` line comes after the history).
    private func join(_ room: String) {
        guard ChatRooms.isValidRoom(room) else { attempt { try rooms.join(room) }; return }
        history.emitHistory(room: room)
        attempt { try rooms.join(room); history.setJoined(room, true) }
    }

    private func attempt(_ body: () throws -> Void) {
        do { try body() } catch { self.error("\(error)") }
    }

    private func emit(_ line: ChatLine) {
        output.emit(.object([
            ("event", .string("message")), ("room", .string(line.room)), ("type", .string(line.message.kind.rawValue)),
            ("from", .string(line.author.base58)), ("username", .string(line.message.username)),
            ("content", .string(line.message.content)), ("timestamp", .int(Int(line.message.timestamp))),
            ("id", .string(line.id.description)),
        ]))
    }

    private func printPeers() {
        let peers: [JSON] = host.peers().map { summary in
            var fields: [(String, JSON)] = [("peer", .string(summary.peer.base58))]
            let addrs = summary.identify?.listenAddrs ?? []
            fields.append(("addrs", .array(addrs.map { .string($0.description) })))
            fields.append(("remote_addr", summary.connection.remoteAddress.map { .string($0.description) } ?? .null))
            fields.append(("direction", .string(summary.connection.direction.rawValue)))
            fields.append(("agent", summary.identify?.agentVersion.map { .string($0) } ?? .null))
            fields.append(("protocols", .array((summary.identify?.protocols ?? []).map { .string($0) })))
            fields.append(("rooms", .array(rooms.pubsub.engine.topics(of: summary.peer).map { .string($0) })))
            return .object(fields)
        }
        output.emit(.object([("event", .string("peers")), ("peers", .array(peers))]))
    }

    // MARK: Host events

    private func handle(_ event: HostEvent) {
        switch event {
        case .connected(let peer, let info):
            knownPeers.connected(peer, info)
            output.emit(.object([("event", .string("connected")), ("peer", .string(peer.base58)),
                                 ("direction", .string(info.direction.rawValue)),
                                 ("addr", info.remoteAddress.map { .string($0.description) } ?? .null)]))
        case .disconnected(let peer, let reason):
            defer { lingerDone(peer) }
            output.emit(.object([("event", .string("disconnected")), ("peer", .string(peer.base58)),
                                 ("reason", reason.map { .string("\($0)") } ?? .null)]))
        case .identified(let peer, let info):
            log.info("identified \(peer): \(info.agentVersion ?? "?")")
            knownPeers.identified(peer, info)
        case .dialFailed(let address, let reason):
            if knownPeers.dialFailed(address, reason: reason, host: host) { return }
            error("dial \(address) failed: \(reason)")
        case .inboundFailed(let remote, let reason):
            log.info("inbound from \(remote) failed: \(reason)")
        case .pingResult(let peer, _) where lingering.contains(peer):
            lingerDone(peer)   // our own quit-time ping
        case .pingResult(let peer, .success(let rtt)):
            output.emit(.object([("event", .string("ping")), ("peer", .string(peer.base58)),
                                 ("rtt_ms", .double(rtt.milliseconds))]))
        case .pingResult(let peer, .failure(let reason)):
            error("ping \(peer) failed: \(reason)")
        }
    }
}
