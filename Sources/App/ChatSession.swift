#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Network
import Persistence

/// What a front end shows. The headless one prints JSON events; the full-screen one draws.
protocol Frontend: AnyObject {
    /// The session is up (rooms not joined yet).
    func sessionStarted(_ session: ChatSession)
    /// A chat line, already committed to the store.
    func show(_ line: ChatLine)
    /// Stored history of a room (`/history`, and when a room is joined), oldest first.
    func showHistory(room: String, messages: [MessageRecord])
    /// `/search` results, newest first.
    func showSearch(query: String, messages: [MessageRecord])
    func showPeers(_ peers: [PeerSummary])
    func showRooms(current: String, rooms: [String])
    func showPing(peer: PeerID, rtt: Duration)
    func showError(_ message: String)
    /// Something the user should know that is not an error (lines waiting for the send pacer).
    func showNotice(_ message: String)
    /// A diagnostics result (`/echo-test`, `/perf`), as the JSON the headless contract prints.
    func showReport(_ event: JSON)
    func connected(_ peer: PeerID, _ info: ConnectionInfo)
    func disconnected(_ peer: PeerID, reason: HostError?)
    /// Quitting has begun: stop reading input.
    func stopInput()
    /// The connections are closed (our `leave` lines stored), the store not yet; the reactor stops next.
    func sessionClosed()
}

/// The chat session both front ends share: starting up (rooms of the last run, redials), the commands,
/// host events, and the graceful quit (leave → ping linger → close).
final class ChatSession {
    let host: Network.Host
    let reactor: Reactor
    let rooms: ChatRooms
    let history: History
    let knownPeers: KnownPeers
    unowned let frontend: Frontend
    let log = Logger(label: "p2p-chat.session")
    private(set) var isQuitting = false
    var diagnostics: Diagnostics!
    /// `--connect` addresses not yet connected or failed: their failures are shown, others only logged.
    private var userDials: Set<String> = []
    /// One-line states of the discovery services (`mDNS: 2 peers`, `DHT: 14 peers, 1 lookup`), set by the App;
    /// an empty line (AutoNAT before it knows anything) is left out.
    var discoverySources: [() -> String] = []
    /// Run once at quit, just before the host closes (the App deletes its NAT-PMP mapping here).
    var beforeHostClose: [() -> Void] = []

    /// What discovery is doing now: each service's line, then the peers being redialed, if any.
    var discoveryStatus: [String] {
        var lines = discoverySources.map { $0() }.filter { !$0.isEmpty }
        let waiting = knownPeers.waiting.count
        if waiting > 0 { lines.append("redialing \(waiting) peer\(waiting == 1 ? "" : "s")") }
        return lines
    }

    init(host: Network.Host, reactor: Reactor, rooms: ChatRooms, history: History, frontend: Frontend) {
        self.host = host
        self.reactor = reactor
        self.rooms = rooms
        self.history = history
        self.knownPeers = KnownPeers(store: history.store, me: host.peerID)
        self.frontend = frontend
    }

    func start(connectingTo addresses: [Multiaddr]) throws {
        diagnostics = Diagnostics(session: self)
        host.onEvent = { [unowned self] in self.handle($0) }
        for signal in [SIGINT, SIGTERM] {
            try reactor.onSignal(signal) { [unowned self] in self.quit() }
        }
        history.onError = { [unowned self] in self.frontend.showError($0) }
        // Stored before shown: a line that was printed is on disk (journaled), whatever happens next.
        rooms.onLine = { [unowned self] in
            self.history.record($0)
            self.frontend.show($0)
            self.armSettle()
            self.armIndexer()
        }
        rooms.onQueueError = { [unowned self] in self.frontend.showError($0) }
        armIndexer()   // lines a killed run stored but did not index
        let startRoom = rooms.current
        frontend.sessionStarted(self)
        // The rooms of the last run, then the start room (last, so it is current); each shows its history first.
        for room in history.joinedRooms where room != startRoom && ChatRooms.isValidRoom(room) { join(room) }
        join(startRoom)
        for address in addresses {
            userDials.insert(address.description)
            host.dial(address)
        }
        knownPeers.redialAll(with: host)
    }

    // MARK: Search index

    private var indexTimer: TimerID?
    private var settleTimer: TimerID?

    /// Commits the journaled lines `History.settleDelay` after a line arrives: small batches, so the pause
    /// they make on the reactor stays short (a relay forwarding through it waits at most that long).
    private func armSettle(after delay: Duration = History.settleDelay) {
        guard settleTimer == nil, !isClosing else { return }
        settleTimer = reactor.schedule(after: delay) { [unowned self] in
            self.settleTimer = nil
            if !self.isClosing && !self.history.settle() { self.armSettle(after: History.busyRetryDelay) }
        }
    }

    /// Indexes stored lines for `/search` a little after they arrive, in batches, until none is left.
    private func armIndexer(after delay: Duration = History.indexDelay) {
        guard indexTimer == nil, !isClosing else { return }
        indexTimer = reactor.schedule(after: delay) { [unowned self] in
            self.indexTimer = nil
            guard !self.isClosing else { return }
            switch self.history.indexForSearch() {
            case .done: break
            case .more: self.armIndexer(after: History.indexCatchUpDelay)
            case .busy: self.armIndexer(after: History.busyRetryDelay)
            }
        }
    }

    // MARK: Quit

    /// The longest we wait, after sending `leave`, for pubsub peers to confirm they have read it.
    static let quitLinger: Duration = .seconds(2)
    /// Pubsub peers whose ping round trip (after our `leave`) we are waiting for before closing.
    private var lingering: Set<PeerID> = []
    private var lingerTimer: TimerID?
    private var isClosing = false
    /// Quitting waits for the lines the pacer still holds (`ChatRooms.queuedCount`).
    private var isDraining = false

    /// Sends `leave` to every room, then closes. Writing the `leave` before the GO_AWAY is not enough:
    /// py-libp2p tears the whole yamux session down on GO_AWAY and drops stream data its pubsub reader has
    /// not consumed yet. So we first ping every pubsub peer (the ping goes out behind the `leave` on the same
    /// connection, and its echo comes back after the peer has taken the `leave` in) and close once every
    /// echo, failure or disconnect is in, or after `quitLinger`. A second quit (signal, EOF) closes at once.
    ///
    /// Lines still queued by the send pacer go out first (a script that writes 100 lines and quits loses
    /// none); a second quit while they do drops them and leaves at once.
    func quit() {
        if isDraining {
            isDraining = false
            let dropped = rooms.dropQueued()
            log.info("quit again: \(dropped) queued line(s) dropped")
            leaveAndLinger()
            return
        }
        guard !isQuitting else { finishQuit(); return }
        isQuitting = true
        log.info("quitting")
        let queued = rooms.queuedCount
        guard queued == 0 else {
            isDraining = true
            frontend.showNotice("sending the \(queued) queued line\(queued == 1 ? "" : "s") before quitting; quit again to drop them")
            rooms.onQueueDrained = { [unowned self] in
                guard self.isDraining else { return }
                self.isDraining = false
                self.leaveAndLinger()
            }
            return
        }
        leaveAndLinger()
    }

    private func leaveAndLinger() {
        frontend.stopInput()
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
        if let indexTimer { reactor.cancel(indexTimer) }
        if let settleTimer { reactor.cancel(settleTimer) }
        settleTimer = nil
        lingerTimer = nil
        indexTimer = nil
        for body in beforeHostClose { body() }
        beforeHostClose = []
        host.close()
        frontend.sessionClosed()   // before the store closes: the full screen saves read markers
        history.close()
        reactor.stop()
    }

    // MARK: Commands

    /// The commands this session runs, sorted; a unique prefix selects one (`/pi` → `/ping`) where the
    /// front end resolves prefixes with this table (headless). Hidden ones need their full name.
    static let commands: [(name: String, usage: String, hidden: Bool)] = [
        ("echo-test", "/echo-test PEERID NBYTES", true),
        ("history", "/history [N]", false),
        ("join", "/join ROOM", false),
        ("leave", "/leave [ROOM]", false),
        ("me", "/me ACTION", false),
        ("nick", "/nick NAME", false),
        ("peers", "/peers", false),
        ("perf", "/perf PEERID UPLOAD DOWNLOAD", true),
        ("ping", "/ping PEERID", false),
        ("quit", "/quit", false),
        ("rooms", "/rooms", false),
        ("search", "/search TEXT", false),
    ]

    /// `/me waves` travels as a plain `message` whose content is `/me waves`: the Go program and old clients
    /// show the text as typed, ours show it as an action.
    static let actionPrefix = "/me "

    /// The line without leading and trailing whitespace (cheaper than Foundation's trimming on the hot path).
    static func trimmed(_ raw: String) -> String {
        // The usual line starts and ends with a visible ASCII character: nothing to trim, and no Unicode
        // property lookups (cold, they cost ~10 µs of a line's way to the wire).
        if let first = raw.utf8.first, let last = raw.utf8.last, isVisibleASCII(first), isVisibleASCII(last) {
            return raw
        }
        return trimming(raw[...]) { $0.properties.isWhitespace }
    }

    private static func isVisibleASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    /// `text` without the leading and trailing Unicode scalars that `trim` picks.
    static func trimming(_ text: Substring, _ trim: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !trim($0) }),
              let last = scalars.lastIndex(where: { !trim($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// The text after the command word of `line` (`/me  waves` → `waves`), without surrounding spaces and
    /// tabs: Foundation's `CharacterSet.whitespaces` (Unicode Zs and U+0009; line breaks stay).
    static func argumentText(of line: String) -> String {
        let afterWord = line.dropFirst().drop { !$0.isWhitespace }
        return trimming(afterWord) { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// Runs a typed line: text goes to the current room, `/command args` runs the command the table's
    /// prefix rule selects.
    func runLine(_ raw: String) {
        let line = Self.trimmed(raw)
        guard !line.isEmpty else { return }
        guard line.hasPrefix("/") else {
            say(line)
            return
        }
        let words = Self.words(of: line)
        guard let word = words.first else { return }
        let matches = Self.commands.filter { $0.name == word || (!$0.hidden && $0.name.hasPrefix(word)) }
        let exact = matches.first { $0.name == word }
        guard let command = exact ?? (matches.count == 1 ? matches[0] : nil) else {
            frontend.showError(matches.isEmpty ? "unknown command /\(word)" : "ambiguous command /\(word): "
                               + matches.map { "/" + $0.name }.joined(separator: ", "))
            return
        }
        _ = execute(command.name, line: line)
    }

    /// The words after the slash: the command name, then its arguments.
    static func words(of line: String) -> [String] {
        line.dropFirst().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }

    /// Sends text to the current room; the first line the pacer holds back says so.
    func say(_ text: String) {
        attempt {
            if try rooms.say(text), rooms.queuedCount == 1 {
                frontend.showNotice("peers take \(Int(ChatValidator.rate)) lines a second from one sender: "
                                    + "the next lines follow at \(NumberText.compact(SendPacer.rate)) a second")
            }
        }
    }

    /// Runs the session command `name` (a full name from `commands`) with the arguments in `line`
    /// (the whole trimmed line, `/name args…`). False when `name` is not a session command.
    func execute(_ name: String, line: String) -> Bool {
        let args = Array(Self.words(of: line).dropFirst())
        let rest = Self.argumentText(of: line)
        func usage() { frontend.showError("usage: " + (Self.commands.first { $0.name == name }?.usage ?? "/" + name)) }
        switch name {
        case "peers": frontend.showPeers(host.peers())
        case "join":
            guard args.count == 1 else { usage(); return true }
            guard !rooms.rooms.contains(args[0]) else { frontend.showError("already in room \(args[0])"); return true }
            join(args[0])
        case "leave":
            guard args.count <= 1 else { usage(); return true }
            let room = args.first ?? rooms.current
            attempt { try rooms.leave(room); history.setJoined(room, false) }
        case "me":
            guard !rest.isEmpty else { usage(); return true }
            say(Self.actionPrefix + rest)
        case "nick":
            guard args.count == 1 else { usage(); return true }
            attempt { try rooms.setNick(args[0]); history.saveNick(args[0]) }
        case "history":
            guard args.count <= 1, let n = args.first.map({ Int($0) }) ?? History.defaultCount,
                  (1...History.maxCount).contains(n) else {
                frontend.showError("usage: /history [N], N from 1 to \(History.maxCount)"); return true
            }
            showHistory(of: rooms.current, count: n)
        case "search":
            guard !rest.isEmpty else { usage(); return true }
            do { frontend.showSearch(query: rest, messages: try history.search(rest)) } catch {
                frontend.showError("search: \(error)")
            }
        case "rooms": frontend.showRooms(current: rooms.current, rooms: rooms.rooms)
        case "ping":
            guard args.count == 1, let peer = try? PeerID(args[0]) else { usage(); return true }
            host.ping(peer)
        case "quit": quit()
        case "echo-test":
            guard args.count == 2, let peer = try? PeerID(args[0]), let n = Int(args[1]), n >= 0 else { usage(); return true }
            diagnostics.echo(to: peer, bytes: n)
        case "perf":
            guard args.count == 3, let peer = try? PeerID(args[0]), let up = UInt64(args[1]), let down = UInt64(args[2]) else {
                usage(); return true
            }
            diagnostics.perf(with: peer, upload: up, download: down)
        default: return false
        }
        return true
    }

    private func showHistory(of room: String, count: Int = History.defaultCount) {
        do { frontend.showHistory(room: room, messages: try history.last(count, in: room)) } catch {
            frontend.showError("history of \(room): \(error)")
        }
    }

    /// Shows the room's stored history, then joins it (so our own `join` line comes after the history).
    func join(_ room: String) {
        guard ChatRooms.isValidRoom(room) else { attempt { try rooms.join(room) }; return }
        showHistory(of: room)
        attempt { try rooms.join(room); history.setJoined(room, true) }
    }

    func attempt(_ body: () throws -> Void) {
        do { try body() } catch { frontend.showError("\(error)") }
    }

    // MARK: Host events

    private func handle(_ event: HostEvent) {
        switch event {
        case .connected(let peer, let info):
            userDials = userDials.filter { (try? Multiaddr($0))?.peerID != peer }
            knownPeers.connected(peer, info)
            frontend.connected(peer, info)
        case .disconnected(let peer, let reason):
            defer { lingerDone(peer) }
            frontend.disconnected(peer, reason: reason)
        case .identified(let peer, let info):
            log.info("identified \(peer): \(info.agentVersion ?? "?")")
            knownPeers.identified(peer, info)
        case .dialFailed(let address, let reason):
            // Only a dial the user asked for (`--connect`) is an error to show; discovery's and the
            // redialer's failures are expected (peers come and go) and only logged.
            let asked = userDials.remove(address.description) != nil
            let redialing = knownPeers.dialFailed(address, reason: reason)
            if asked && !redialing {
                frontend.showError("dial \(address) failed: \(reason)")
            } else {
                log.info("dial \(address) failed: \(reason)")
            }
        case .inboundFailed(let remote, let reason):
            log.info("inbound from \(remote) failed: \(reason)")
        case .peerDialFailed(let peer, let reason):
            log.info("no address of \(peer) could be dialed; the last failed: \(reason)")
        case .pingResult(let peer, _) where lingering.contains(peer):
            lingerDone(peer)   // our own quit-time ping
        case .pingResult(let peer, .success(let rtt)):
            frontend.showPing(peer: peer, rtt: rtt)
        case .pingResult(let peer, .failure(let reason)):
            frontend.showError("ping \(peer) failed: \(reason)")
        }
    }
}
