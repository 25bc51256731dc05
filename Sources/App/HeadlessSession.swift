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

/// Where headless events go: one JSON object per line.
protocol EventOutput: AnyObject {
    /// One event already rendered as a JSON object (no newline).
    func emit(rendered event: [UInt8])
}

extension EventOutput {
    func emit(_ event: JSON) { emit(rendered: event.renderedBytes) }
}

/// stdout, flushed per line (it is a pipe for bots and tests).
final class StandardOutput: EventOutput {
    func emit(rendered event: [UInt8]) {
        var line = event
        line.append(UInt8(ascii: "\n"))
        var offset = 0
        StageTrace.mark(.outputStart)   // once per event: bench/pubsub-latency.py pairs the k-th with the k-th line
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
        StageTrace.mark(.outputDone)
    }
}

/// The headless front end: commands on stdin, JSON events on stdout (DESIGN.md, "Command line and
/// headless mode"). EOF on stdin, `/quit`, SIGINT and SIGTERM all quit gracefully.
final class HeadlessSession: Frontend {
    /// A longer stdin line is rejected with an error event (and the buffer dropped).
    static let maxLineLength = 64 << 10

    let output: EventOutput
    private(set) var session: ChatSession!
    var host: Network.Host { session.host }
    var rooms: ChatRooms { session.rooms }
    private var stdinWatch: WatchID?
    private var lineBuffer: [UInt8] = []

    init(host: Network.Host, reactor: Reactor, rooms: ChatRooms, history: History, output: EventOutput) {
        self.output = output
        session = ChatSession(host: host, reactor: reactor, rooms: rooms, history: history, frontend: self)
    }

    func start(connectingTo addresses: [Multiaddr]) throws {
        try session.start(connectingTo: addresses)
    }

    func error(_ message: String) {
        output.emit(.object([("event", .string("error")), ("message", .string(message))]))
    }

    // MARK: stdin

    /// One buffer for every stdin read.
    private var chunk = [UInt8](repeating: 0, count: 16 << 10)

    private func readStdin() {
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        StageTrace.mark(.lineRead)
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            stopInput()
            session.quit(); return
        }
        if n == 0 {   // EOF: run what is left, then quit (once: stdin stays readable at EOF)
            if !lineBuffer.isEmpty { session.runLine(String(decoding: lineBuffer, as: UTF8.self)) }
            lineBuffer.removeAll()
            stopInput()
            session.quit(); return
        }
        lineBuffer += chunk[0..<n]
        while let newline = lineBuffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: lineBuffer[..<newline], as: UTF8.self)
            lineBuffer.removeSubrange(...newline)
            session.runLine(line)
            if stdinWatch == nil { return }
        }
        if lineBuffer.count > Self.maxLineLength {
            lineBuffer.removeAll()
            error("input line longer than \(Self.maxLineLength) bytes dropped")
        }
    }

    // MARK: Frontend

    func sessionStarted(_ session: ChatSession) {
        stdinWatch = session.reactor.watch(0, .read) { [unowned self] _ in self.readStdin() }
        output.emit(.object([
            ("event", .string("ready")),
            ("peer", .string(session.host.peerID.base58)),
            ("addrs", .array(session.host.listenAddresses.map { .string($0.description) })),
            ("agent", .string(session.host.config.agentVersion)),
            ("room", .string(session.rooms.current)),
            ("nick", .string(session.rooms.nick)),
            ("messages", .int(session.history.messageCount)),
        ]))
    }

    func stopInput() {
        if let stdinWatch { session.reactor.unwatch(stdinWatch) }
        stdinWatch = nil
    }

    func sessionClosed() {}

    func show(_ line: ChatLine) { output.emit(rendered: Self.messageEvent(line)) }

    /// `{"event":"message","room":…,"type":…,"from":…,"username":…,"content":…,"timestamp":…,"id":…}`,
    /// written directly: it is on the way of every message to stdout.
    static func messageEvent(_ line: ChatLine) -> [UInt8] {
        var w = JSONObjectWriter(capacity: line.message.content.utf8.count + 256)
        w.add("event", "message")
        w.add("room", line.room)
        w.add("type", line.message.kind.rawValue)
        w.add("from", line.author.base58)
        w.add("username", line.message.username)
        w.add("content", line.message.content)
        w.add("timestamp", Int(line.message.timestamp))
        w.add("id", hex: line.id.bytes)
        return w.finish()
    }

    /// `{"event":"history","room":…,"messages":[…]}`
    func showHistory(room: String, messages: [MessageRecord]) {
        output.emit(.object([("event", .string("history")), ("room", .string(room)),
                             ("messages", .array(messages.map(History.json)))]))
    }

    /// `{"event":"search","query":…,"messages":[…]}`
    func showSearch(query: String, messages: [MessageRecord]) {
        output.emit(.object([("event", .string("search")), ("query", .string(query)),
                             ("messages", .array(messages.map(History.json)))]))
    }

    func showPeers(_ summaries: [PeerSummary]) {
        let peers: [JSON] = summaries.map { summary in
            var fields: [(String, JSON)] = [("peer", .string(summary.peer.base58))]
            let addrs = summary.identify?.listenAddrs ?? []
            fields.append(("addrs", .array(addrs.map { .string($0.description) })))
            fields.append(("signed_addrs", summary.record.map { .array($0.addresses.map { .string($0.description) }) } ?? .null))
            fields.append(("remote_addr", summary.connection.remoteAddress.map { .string($0.description) } ?? .null))
            fields.append(("direction", .string(summary.connection.direction.rawValue)))
            fields.append(("agent", summary.identify?.agentVersion.map { .string($0) } ?? .null))
            fields.append(("protocols", .array((summary.identify?.protocols ?? []).map { .string($0) })))
            let topics = rooms.pubsub.engine.topics(of: summary.peer)
            fields.append(("rooms", .array(topics.map { .string($0) })))
            let meshed = topics.filter { rooms.pubsub.engine.mesh($0).contains(summary.peer) }
            fields.append(("mesh_rooms", .array(meshed.map { .string($0) })))
            return .object(fields)
        }
        output.emit(.object([("event", .string("peers")), ("peers", .array(peers)),
                             ("discovery", .array(session.discoveryStatus.map { .string($0) }))]))
    }

    func showRooms(current: String, rooms: [String]) {
        output.emit(.object([("event", .string("rooms")), ("current", .string(current)),
                             ("rooms", .array(rooms.map { .string($0) }))]))
    }

    func showPing(peer: PeerID, rtt: Duration) {
        output.emit(.object([("event", .string("ping")), ("peer", .string(peer.base58)),
                             ("rtt_ms", .double(rtt.milliseconds))]))
    }

    func showError(_ message: String) { error(message) }

    /// Not part of the JSON contract (DESIGN.md lists its events): notices go to the log only.
    func showNotice(_ message: String) { session.log.info("notice: \(message)") }

    func showReport(_ event: JSON) { output.emit(event) }

    func connected(_ peer: PeerID, _ info: ConnectionInfo) {
        output.emit(.object([("event", .string("connected")), ("peer", .string(peer.base58)),
                             ("direction", .string(info.direction.rawValue)),
                             ("addr", info.remoteAddress.map { .string($0.description) } ?? .null)]))
    }

    func disconnected(_ peer: PeerID, reason: HostError?) {
        output.emit(.object([("event", .string("disconnected")), ("peer", .string(peer.base58)),
                             ("reason", reason.map { .string("\($0)") } ?? .null)]))
    }
}
