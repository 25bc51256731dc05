#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Network
import Persistence
import TUI

/// The full-screen front end: stdin bytes → `KeyDecoder` → `InputModel` → commands through the shared
/// `ChatSession`; chat lines → `ChatEntry` → each room's `Scrollback`; one `ChatScreen` frame per reactor
/// tick (in `beforeSleep`, only when something changed) painted by the `Terminal`.
///
/// Nothing is printed to stdout or stderr while the screen is up; logs go to the log file.
final class TUISession: Frontend {
    struct Options {
        var theme: String?
        var color: ColorOption = .auto
        /// `$XDG_CONFIG_HOME/p2p-chat/themes`.
        var userThemes: String?
    }

    private(set) var session: ChatSession!
    private let terminal: Terminal
    private let options: Options
    private let log = Logger(label: "p2p-chat.tui")
    private let entries: ScreenEntries
    private var decoder = KeyDecoder()
    private var input: InputModel
    private var windows = Windows()
    private var scrollbacks: [String: Scrollback] = [:]
    /// Peers seen in each room (authors of its messages, subscribers), for the sidebar.
    private var members: [String: Set<String>] = [:]
    private var theme = ThemeLoader.defaultTheme
    private var themeLoader: ThemeLoader
    private var depth = ColorDepth.mono
    private var stdinWatch: WatchID?
    private var escapeTimer: TimerID?
    private var needsDraw = true
    private var needsBell = false
    /// A key was handled: draw at the end of this tick whatever the frame budget says.
    private var drawNow = true
    private var lastDraw: Instant?
    private var frameTimer: TimerID?
    /// The sidebar's peers, recomputed only after membership, connections or nicks changed.
    private var sidebarCache: (room: String, peers: [SidebarPeer])?
    /// The completion list is stale (a new author spoke, the room or a nick changed).
    private var nicksStale = true
    /// PeerIDs of the base58 keys in `members`, decoded once.
    private var peerIDs: [String: PeerID] = [:]
    private var chunk = [UInt8](repeating: 0, count: 16 << 10)

    var host: Network.Host { session.host }
    var rooms: ChatRooms { session.rooms }
    private var reactor: Reactor { session.reactor }

    init(host: Network.Host, reactor: Reactor, rooms: ChatRooms, history: History, terminal: Terminal, options: Options) {
        self.terminal = terminal
        self.options = options
        themeLoader = ThemeLoader(userDirectory: options.userThemes)
        entries = ScreenEntries(history: history, me: host.peerID, ownNick: rooms.nick)
        input = InputModel(lengthLimit: ChatMessage.maxContentBytes,
                           history: InputHistory(entries: history.savedInputHistory))
        session = ChatSession(host: host, reactor: reactor, rooms: rooms, history: history, frontend: self)
    }

    func start(connectingTo addresses: [Multiaddr]) throws {
        try session.start(connectingTo: addresses)
    }

    // MARK: Frontend

    func sessionStarted(_ session: ChatSession) {
        depth = ColorDepth.detect(terminfoColors: terminal.capabilities.count,
                                  environment: ProcessInfo.processInfo.environment, option: options.color)
        terminal.useColors(depth)
        let name = options.theme ?? session.history.savedTheme ?? ThemeLoader.defaultName
        do { theme = try themeLoader.load(name).resolved(for: depth) } catch {
            theme = ThemeLoader.defaultTheme.resolved(for: depth)
            pendingNotices.append("theme \(name): \(error)")
        }
        if options.theme != nil { session.history.saveTheme(name) }
        stdinWatch = reactor.watch(0, .read) { [unowned self] _ in self.readStdin() }
        do {
            try reactor.onSignal(SIGWINCH) { [unowned self] in
                self.terminal.resize()
                self.needsDraw = true
            }
            // The terminal went away (ssh dropped, window closed): leave the rooms and close the store cleanly.
            try reactor.onSignal(SIGHUP) { [unowned self] in self.session.quit() }
        } catch {
            log.warning("no SIGWINCH/SIGHUP: \(error)")
        }
        reactor.beforeSleep = { [unowned self] in self.drawIfNeeded() }
        scheduleRefresh()
    }

    /// How often the frame is recomputed without an event: room membership changes (a peer subscribing)
    /// and the clock arrive without one. Only rows that changed are painted.
    static let refreshInterval: Duration = .seconds(1)

    private func scheduleRefresh() {
        reactor.schedule(after: Self.refreshInterval) { [weak self] in
            guard let self, self.stdinWatch != nil else { return }
            // The clock moves on: after midnight, yesterday's lines show their date (a reflow only then).
            let now = Int64(Date().timeIntervalSince1970)
            for pane in self.scrollbacks.values { pane.formatter.now = now }
            self.sidebarCache = nil
            self.needsDraw = true
            self.scheduleRefresh()
        }
    }

    /// Notices raised before the first room exists.
    private var pendingNotices: [String] = []

    func stopInput() {
        if let stdinWatch { reactor.unwatch(stdinWatch) }
        stdinWatch = nil
        if let escapeTimer { reactor.cancel(escapeTimer) }
        escapeTimer = nil
        session.history.saveInputHistory(input.history.entries)
    }

    func sessionClosed() {
        // A room whose window has nothing unread was read to the end (our own `leave` included).
        for window in windows.windows where window.unread == 0 { session.history.markAllRead(window.room) }
        reactor.beforeSleep = nil
        terminal.close()
    }

    func show(_ line: ChatLine) {
        let entry = entries.entry(line)
        let key = line.author.base58
        if members[line.room, default: []].insert(key).inserted || entries.nicks[key] != line.message.username {
            sidebarCache = nil
            nicksStale = true
        }
        peerIDs[key] = line.author
        scrollback(for: line.room).append(entry)
        windows.noteEntry(in: line.room, mention: entry.mentionsMe)
        if entry.mentionsMe { needsBell = true }
        needsDraw = true
    }

    func showHistory(room: String, messages: [MessageRecord]) {
        guard scrollbacks[room] != nil else {
            // Joining: the room's window pages its history in from the store by itself.
            openWindow(room)
            return
        }
        notice("last \(messages.count) stored message(s) of \(room):")
        for record in messages { notice(Self.summary(record), in: room) }
    }

    func showSearch(query: String, messages: [MessageRecord]) {
        notice("search \"\(query)\": \(messages.count) result(s)\(messages.isEmpty ? "" : ", newest first")")
        for record in messages { notice("[\(record.room)] " + Self.summary(record)) }
    }

    func showPeers(_ peers: [PeerSummary]) {
        let room = rooms.current
        let inRoom = sidebarPeers(of: room).filter { !$0.isOwn }
        notice("\(inRoom.count) peer(s) in \(room), \(peers.count) connection(s); " + session.discoveryStatus.joined(separator: ", "))
        for peer in inRoom { notice("  \(peer.label) \(peer.key) \(peer.connected ? "connected" : "not connected")") }
    }

    func showRooms(current: String, rooms: [String]) {
        let list = windows.windows.enumerated().map { i, window in
            "\(i + 1):\(window.room)\(window.room == current ? " (current)" : window.unread > 0 ? " (\(window.unread) unread)" : "")"
        }
        notice("rooms: " + list.joined(separator: ", "))
    }

    func showPing(peer: PeerID, rtt: Duration) {
        notice("ping \(entries.label(for: peer.base58)): \(NumberText.oneDecimal(rtt.milliseconds)) ms")
    }

    func showError(_ message: String) { notice(message, kind: .error) }

    func showNotice(_ message: String) { notice(message) }

    func showReport(_ event: JSON) { notice(event.rendered) }

    func connected(_ peer: PeerID, _ info: ConnectionInfo) { sidebarCache = nil; needsDraw = true }

    func disconnected(_ peer: PeerID, reason: HostError?) { sidebarCache = nil; needsDraw = true }

    // MARK: Rooms and notices

    private func scrollback(for room: String) -> Scrollback {
        if let existing = scrollbacks[room] { return existing }
        let now = Int64(Date().timeIntervalSince1970)
        let formatter = MessageFormatter(theme: theme, ownNick: rooms.nick, now: now,
                                         utcOffset: LocalTime.utcOffset(at: Int(now)))
        let scrollback = Scrollback(room: room, source: entries, formatter: formatter)
        scrollback.readMarker = entries.readMarkerEntry(room: room)
        scrollback.resize(width: max(1, terminal.width), height: max(1, terminal.height - 2))
        _ = scrollback.visibleRows()   // loads the newest page now, so notices append after it
        scrollbacks[room] = scrollback
        return scrollback
    }

    private func openWindow(_ room: String) {
        guard windows.index(of: room) == nil else { return }
        _ = scrollback(for: room)
        windows.open(room)
        if rooms.current == room || windows.currentRoom == nil, let i = windows.index(of: room) { windows.select(i) }
        for text in pendingNotices { notice(text, kind: .error, in: room) }
        pendingNotices.removeAll()
        needsDraw = true
    }

    /// After a command: windows follow the joined rooms and the current one.
    private func syncWindows() {
        for window in windows.windows where !rooms.rooms.contains(window.room) {
            windows.close(window.room)
            scrollbacks[window.room] = nil
        }
        for room in rooms.rooms { openWindow(room) }
        if let i = windows.index(of: rooms.current), windows.current != i { windows.select(i) }
    }

    private func notice(_ text: String, kind: ChatEntry.Kind = .info, in room: String? = nil) {
        guard let room = room ?? windows.currentRoom else { pendingNotices.append(text); return }
        scrollback(for: room).append(entries.notice(text, kind: kind, room: room))
        needsDraw = true
    }

    /// A stored message on one line: `Nov 24 13:05 <alice·3fa9> text`.
    static func summary(_ record: MessageRecord) -> String {
        let label = ScreenEntries.label(nick: record.username, peer: record.author)
        return "\(LocalTime.monthDayTime(Int(record.sentAt))) <\(label)> \(record.content)"
    }

    /// Nicks for Tab completion: the current room's peers (not ours), sorted.
    private func recentNicks() -> [String] {
        let peers = members[rooms.current] ?? []
        return Set(peers.compactMap { entries.nicks[$0] }).subtracting([rooms.nick]).sorted()
    }

    /// Our entry first, then every peer seen in or subscribed to `room`. Cached between changes: with a
    /// hundred members and messages streaming in, rebuilding it every frame was a tenth of the CPU.
    private func sidebarPeers(of room: String) -> [SidebarPeer] {
        if let cache = sidebarCache, cache.room == room { return cache.peers }
        let me = host.peerID.base58
        var keys = members[room] ?? []
        for peer in rooms.pubsub.engine.peers(subscribedTo: room) {
            let key = peer.base58
            keys.insert(key)
            peerIDs[key] = peer
        }
        members[room] = keys
        var peers = [SidebarPeer(key: me, label: ScreenEntries.label(nick: rooms.nick, peer: me), connected: true, isOwn: true)]
        for key in keys.sorted() where key != me {
            if peerIDs[key] == nil { peerIDs[key] = try? PeerID(key) }
            let connected = peerIDs[key].map { host.isConnected($0) } ?? false
            peers.append(SidebarPeer(key: key, label: entries.label(for: key), connected: connected))
        }
        sidebarCache = (room, peers)
        return peers
    }

    // MARK: Input

    private func readStdin() {
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            session.quit(); return
        }
        if n == 0 { session.quit(); return }   // the terminal went away
        handle(decoder.feed(chunk[0..<n]))
        if let escapeTimer { reactor.cancel(escapeTimer) }
        escapeTimer = nil
        if decoder.hasPendingEscape {
            escapeTimer = reactor.schedule(after: KeyDecoder.escapeTimeout) { [unowned self] in
                self.escapeTimer = nil
                self.handle(self.decoder.flushPending())
            }
        }
    }

    private func handle(_ events: [InputEvent]) {
        if nicksStale {
            input.nicks = recentNicks()
            nicksStale = false
        }
        drawNow = true
        for event in events {
            for outcome in input.handle(event) { apply(outcome) }
            needsDraw = true
        }
    }

    private func apply(_ outcome: InputOutcome) {
        switch outcome {
        case .submit(let line): run(line)
        case .submitLines(let lines): sendPasted(lines)
        case .confirmPaste: break
        case .scroll(let scroll): self.scroll(scroll)
        case .switchRoom(let target): switchRoom(target)
        case .redraw: terminal.invalidate()
        case .quit: session.quit()
        case .bell: needsBell = true
        case .notice(let text): notice(text)
        }
    }

    private func scroll(_ scroll: Scroll) {
        guard let room = windows.currentRoom, let pane = scrollbacks[room] else { return }
        switch scroll {
        case .pageUp: pane.pageUp()
        case .pageDown: pane.pageDown()
        case .linesUp(let n): pane.scrollUp(n)
        case .linesDown(let n): pane.scrollDown(n)
        case .top: pane.scrollToOldest()
        case .bottom: pane.scrollToNewest()
        }
    }

    private func switchRoom(_ target: RoomSwitch) {
        switch target {
        case .next: windows.selectNext()
        case .previous: windows.selectPrevious()
        case .number(let n): if !windows.select(number: n) { needsBell = true }
        }
        if let room = windows.currentRoom { try? rooms.select(room) }
        nicksStale = true
    }

    /// A submitted line: text to the room, or a command (the screen's own, or the session's).
    /// A confirmed multi-line paste is text, every line of it: a pasted log with a `/quit` or `/nick` line in
    /// it must not run them. (A one-line paste lands in the editor, where Enter treats it as typed.)
    private func sendPasted(_ lines: [String]) {
        for line in lines { session.say(line) }
        needsDraw = true
    }

    private func run(_ line: String) {
        let parsed: ParsedLine
        do { parsed = try input.commands.parse(line) } catch { notice("\(error)", kind: .error); return }
        switch parsed {
        case .text(let text): session.say(text)
        case .command(let command, let argument):
            switch command.name {
            case "help": help(argument)
            case "clear": scrollbacks[rooms.current]?.clear()
            case "theme": setTheme(argument)
            case "ping": ping(argument)
            default:
                if !session.execute(command.name, line: "/\(command.name) \(argument)") {
                    notice("/\(command.name) is not available here", kind: .error)
                }
            }
        }
        if case .command(let command, _) = parsed, command.name == "nick" {
            sidebarCache = nil
            entries.ownNick = rooms.nick
            for pane in scrollbacks.values { pane.formatter.ownNick = rooms.nick }
        }
        syncWindows()
        needsDraw = true
    }

    private func ping(_ target: String) {
        let room = rooms.current
        let byNick = (members[room] ?? []).filter { entries.nicks[$0] == target }
        let peer = byNick.count == 1 ? byNick.first! : target
        _ = session.execute("ping", line: "/ping \(peer)")
    }

    private func help(_ name: String) {
        guard name.isEmpty else {
            switch input.commands.resolve(name.hasPrefix("/") ? String(name.dropFirst()) : name) {
            case .found(let command): notice("\(command.usage) — \(command.help)")
            case .ambiguous(let names): notice("/\(name) is ambiguous: " + names.map { "/" + $0 }.joined(separator: ", "), kind: .error)
            case .unknown: notice("unknown command /\(name) (/help lists them)", kind: .error)
            }
            return
        }
        notice("commands (a unique prefix works):")
        for command in input.commands.visible { notice("  \(command.usage) — \(command.summary)") }
        notice("keys:")
        for binding in input.keymap.bindings where !binding.description.isEmpty {
            notice("  \(binding.keys) — \(binding.description)")
        }
    }

    private func setTheme(_ name: String) {
        do {
            theme = try themeLoader.load(name).resolved(for: depth)
            session.history.saveTheme(name)
            terminal.invalidate()
            notice("theme \(name)" + (depth == .mono ? " (no colours: \(options.color == .never ? "--color never" : "this terminal or NO_COLOR"))" : ""))
        } catch {
            notice("\(error); themes: " + themeLoader.availableNames().joined(separator: ", "), kind: .error)
        }
    }

    // MARK: Drawing

    /// Frames drawn for incoming messages alone are at least this far apart; keys draw at once. Under a
    /// flood of messages this keeps the screen at ~60 frames/s and the CPU free for typing.
    static let minFrameInterval: Duration = .milliseconds(16)

    private func drawIfNeeded() {
        if needsBell { terminal.bell(); needsBell = false }
        guard needsDraw else { return }
        let now = reactor.preciseNow
        if !drawNow, let lastDraw, now - lastDraw < Self.minFrameInterval {
            if frameTimer == nil {
                frameTimer = reactor.schedule(after: Self.minFrameInterval - (now - lastDraw)) { [weak self] in
                    self?.frameTimer = nil   // the tick this wakes ends in beforeSleep, which draws
                }
            }
            return
        }
        needsDraw = false
        drawNow = false
        lastDraw = now
        syncWindows()   // rooms joined at start (the start room last, current) and by commands
        let room = windows.currentRoom ?? rooms.current
        let lineView = input.view(width: max(1, terminal.width))
        let promptWidth = DisplayWidth.of(lineView.prompt)
        let line = InputLine(prompt: lineView.prompt, text: lineView.text,
                             cursorColumn: lineView.cursorColumn - promptWidth, indicator: lineView.length?.text)
        let peers = sidebarPeers(of: room)
        let status = StatusInfo(ownLabel: ScreenEntries.label(nick: rooms.nick, peer: host.peerID.base58),
                                roomMembers: peers.count - 1, connections: host.connectedPeerCount,
                                discovery: session.discoveryStatus.joined(separator: " · "),
                                queuedLines: rooms.queuedCount)
        let state = ScreenState(width: terminal.width, height: terminal.height, theme: theme, windows: windows,
                                scrollback: scrollbacks[room], peers: peers, status: status, input: line)
        terminal.paint(ChatScreen.render(state))
    }
}
