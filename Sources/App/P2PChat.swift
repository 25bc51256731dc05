import ArgumentParser
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

/// `p2p-chat`: the command line. See README.md for every flag and DESIGN.md for the headless contract.
@main
struct P2PChat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "p2p-chat",
        abstract: "A serverless terminal chat over libp2p.",
        discussion: """
            Environment: DATA_DIR (same as --data-dir). Logs go to <data-dir>/p2p-chat.log, history to <data-dir>/chat.sqlite.
            Exit codes: 64 bad usage, 73 unusable data directory, 74 unreadable store, 75 data directory in use.
            Environment: CHAT_TOPIC (same as --room).
            Headless mode reads lines on stdin (text is sent to the current room; /join, /leave, /me, /nick, /rooms, /peers, /ping PEERID, /history [N], /search TEXT, /quit) and writes one JSON event per line.
            On a terminal it runs full screen (/help lists commands and keys); without one, or with --headless, it runs headless.
            """,
        version: HostConfig.version)

    @Option(name: .customLong("room"), help: "Room (GossipSub topic) to start in (default: $CHAT_TOPIC or p2p-chat-default).")
    var room: String?

    @Option(name: .customLong("nick"), help: "Nickname shown to others (default: user_NNNN, stable for this identity).")
    var nick: String?

    @Option(name: .customLong("data-dir"), help: "Directory for the identity, store and log (default: $DATA_DIR or $XDG_DATA_HOME/p2p-chat).")
    var dataDir: String?

    @Option(name: .customLong("listen"), help: "Multiaddr to listen on; repeatable (default: /ip4/0.0.0.0/tcp/0).")
    var listen: [String] = []

    @Option(name: .customLong("connect"), help: "Multiaddr of a peer to dial at start, ending in /p2p/<id>; repeatable.")
    var connect: [String] = []

    @Option(name: .customLong("bootstrap"), help: "DHT bootstrap peer, ending in /p2p/<id>; repeatable (default: the public Ed25519 libp2p peer).")
    var bootstrap: [String] = []

    @Flag(name: .customLong("dht-server"), help: "Serve the DHT (default: only when listening on a non-loopback address).")
    var dhtServer = false

    @Flag(name: .customLong("headless"), help: "Read commands on stdin and print JSON events (also chosen without a terminal).")
    var headless = false

    @Option(name: .customLong("theme"), help: "Colour theme: default-dark, light, high-contrast, mono or a file in $XDG_CONFIG_HOME/p2p-chat/themes (remembered).")
    var theme: String?

    @Option(name: .customLong("color"), help: "auto (terminfo, COLORTERM, NO_COLOR, TERM=dumb), always or never.")
    var color: String = "auto"

    @Flag(name: .customLong("enable-perf"), help: "Serve the /perf/1.0.0 throughput protocol to peers.")
    var enablePerf = false

    @Flag(name: .customLong("no-dht"), help: "Do not use the Kademlia DHT (no bootstrap peers, no room rendezvous): LAN and --connect only.")
    var noDHT = false

    @Flag(name: .customLong("no-mdns"), help: "Do not discover peers on the local network by mDNS.")
    var noMDNS = false

    @Flag(name: .customLong("no-nat-pmp"), help: "Do not ask the router to forward our listen port by NAT-PMP.")
    var noNATPMP = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    var listenAddresses: [Multiaddr] = []
    var connectAddresses: [Multiaddr] = []
    var bootstrapAddresses: [Multiaddr] = []

    enum CodingKeys: String, CodingKey {
        case room, nick, dataDir, listen, connect, bootstrap, dhtServer, noDHT, headless, theme, color, enablePerf, noMDNS, noNATPMP, logLevel
    }

    mutating func validate() throws {
        func parse(_ text: String, _ flag: String) throws -> Multiaddr {
            do { return try Multiaddr(text) } catch { throw ValidationError("--\(flag) \(text): not a valid multiaddr (\(error))") }
        }
        listenAddresses = try (listen.isEmpty ? ["/ip4/0.0.0.0/tcp/0"] : listen).map { try parse($0, "listen") }
        for address in listenAddresses {
            do { _ = try TCPTransport.listenAddress(address) } catch { throw ValidationError("--listen \(address): \(error)") }
        }
        connectAddresses = try connect.map { try parse($0, "connect") }
        bootstrapAddresses = try bootstrap.map { try parse($0, "bootstrap") }
        if noDHT && (!bootstrap.isEmpty || dhtServer) { throw ValidationError("--no-dht cannot be used with --bootstrap or --dht-server") }
        guard ColorOption(rawValue: color) != nil else { throw ValidationError("--color \(color): use auto, always or never") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel): unknown level") }
        let startRoom = room ?? ProcessInfo.processInfo.environment["CHAT_TOPIC"].flatMap { $0.isEmpty ? nil : $0 }
        if let startRoom, !ChatRooms.isValidRoom(startRoom) { throw ValidationError("--room \(startRoom): not a usable room name") }
        if let nick, !ChatRooms.isValidNick(nick) { throw ValidationError("--nick \(nick): use 1–64 bytes without spaces or control characters") }
    }

    func run() throws {
        let directory = DataDirectory.resolve(flag: dataDir)
        do { try directory.create() } catch {
            throw fatal("cannot use data directory \(directory.path): \(error)", code: 73)
        }
        // Past a file-size limit, writes fail with EFBIG (reported like a full disk) instead of killing us.
        signal(SIGXFSZ, SIG_IGN)
        StageTrace.startFromEnvironment()
        defer { StageTrace.finish() }
        let sink = FileLogHandler.Sink(path: directory.logPath)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { FileLogHandler(label: $0, sink: sink, logLevel: level) }
        // The store first: its lock keeps a second p2p-chat away from the identity file too.
        let store: Store
        do { store = try Store.open(directory: directory.path) } catch let error as StoreError {
            throw fatal("\(error)", code: Self.exitCode(for: error))
        }
        let recovered = store.recoveredFromJournal
        if recovered.lines > 0 || recovered.droppedBytes > 0 {
            Logger(label: "p2p-chat.history").notice(
                "committed \(recovered.lines) line(s) a previous run had journaled; dropped a torn tail of \(recovered.droppedBytes) bytes")
        }
        let identity: PrivateKey
        do { identity = try directory.loadIdentity() } catch { throw fatal("\(error)", code: 73) }

        var config = HostConfig()
        config.enablePerf = enablePerf
        let reactor = Reactor()
        let loopLog = Logger(label: "p2p-chat.reactor")
        reactor.onSlowTick = { tick in
            loopLog.warning("""
                the event loop was busy for \(Int(tick.duration.milliseconds)) ms in one tick \
                (\(tick.fdEvents) fd event(s), \(tick.timers) timer(s)): everything else waited
                """)
        }
        let host = Network.Host(identity: identity, reactor: reactor, config: config)
        for address in listenAddresses {
            do { try host.listen(address) } catch { throw fatal("cannot listen on \(address): \(error)", code: 64) }
        }
        // Last, so that every start-up error above is printed on the normal screen.
        let terminal = headless ? nil : ScreenChoice.openTerminal()
        // Seqnos start at the wall clock in nanoseconds (as go-libp2p does), so they keep increasing across restarts.
        let seqnoStart = UInt64(max(0, Date().timeIntervalSince1970) * 1e9)
        let engine = PubSub(identity: identity, seqnoStart: seqnoStart, now: reactor.now)
        let pubsub = PubSubService(host: host, engine: engine)
        let startRoom = room ?? ProcessInfo.processInfo.environment["CHAT_TOPIC"].flatMap { $0.isEmpty ? nil : $0 }
        let history = History(store: store)
        history.startCheckpoints()
        let savedNick = history.savedNick.flatMap { ChatRooms.isValidNick($0) ? $0 : nil }
        let rooms = ChatRooms(pubsub: pubsub, reactor: reactor, me: host.peerID, nick: nick ?? savedNick,
                              room: startRoom ?? ChatRooms.defaultRoom)
        // One front end: the full screen on a terminal, else JSON lines.
        let frontend: AnyObject
        let startSession: () throws -> Void
        let chat: ChatSession
        if let terminal {
            let options = TUISession.Options(theme: theme, color: ColorOption(rawValue: color) ?? .auto,
                                             userThemes: ScreenChoice.userThemeDirectory)
            let session = TUISession(host: host, reactor: reactor, rooms: rooms, history: history,
                                     terminal: terminal, options: options)
            frontend = session
            chat = session.session
            startSession = { try session.start(connectingTo: connectAddresses) }
        } else {
            let session = HeadlessSession(host: host, reactor: reactor, rooms: rooms, history: history, output: StandardOutput())
            frontend = session
            chat = session.session
            startSession = { try session.start(connectingTo: connectAddresses) }
        }
        let dht = noDHT ? nil : DHTService(host: host, node: Kademlia(localPeer: host.peerID, mode: dhtServer ? .server : DHTService.defaultMode(listenAddresses: host.listenAddresses)))
        let rendezvous = dht.map { Rendezvous(dht: $0, reactor: reactor, rooms: { rooms.rooms }, peerCount: { pubsub.engine.peers(subscribedTo: $0).count }) }
        do {
            try startSession()
            let mdns = noMDNS ? nil : MDNSDiscovery.start(host: host, reactor: reactor)
            defer { mdns?.close() }
            // AutoNAT: we dial back peers that ask (public addresses only), and ask peers whether they can
            // reach us; the DHT serves while we are reachable and only asks while we are not.
            let autonatServer = AutoNATServer(host: host)
            let autonat = AutoNATClient(host: host)
            autonat.onChange = { [dhtServer] reachability in
                guard let dht, !dhtServer, reachability != .unknown else { return }
                dht.setMode(reachability == .reachable ? .server : .client)
            }
            autonat.start()
            defer { autonat.stop(); autonatServer.stop() }
            // NAT-PMP: a home router that speaks it forwards our listen port; the mapping is deleted at quit
            // (one datagram, before the host closes; the router drops it itself when its lifetime ends).
            let natpmp = noNATPMP ? nil : NATPMPMapping.start(host: host, reactor: reactor)
            defer { natpmp?.close() }   // when the loop ends without a quit
            chat.beforeHostClose.append { natpmp?.close() }
            chat.discoverySources = [{ mdns?.status ?? (noMDNS ? "mDNS off" : "mDNS unavailable") },
                                     { rendezvous?.status ?? "DHT off" },
                                     { autonat.reachability == .unknown ? "" : autonat.status },
                                     { natpmp?.status ?? "" }]
            if let dht, let rendezvous {
                let dhtLog = Logger(label: "p2p-chat.dht")
                DHTBootstrap.start(dht, addresses: DHTBootstrap.addresses(flags: bootstrapAddresses),
                                   resolve: DHTBootstrap.dnsaddrResolver(reactor: reactor), log: dhtLog)
                rendezvous.start()
            }
            try withExtendedLifetime((dht, rendezvous, frontend)) { try reactor.run() }
        } catch {
            terminal?.close()   // so the error is printed on the normal screen
            throw error
        }
    }

    /// 75 (EX_TEMPFAIL) while another p2p-chat holds the directory; 74 (EX_IOERR) for a store that cannot
    /// be opened; 73 (EX_CANTCREAT) when the lock file cannot be made.
    static func exitCode(for error: StoreError) -> Int32 {
        switch error {
        case .lockedByAnotherProcess: return 75
        case .cannotLock: return 73
        case .corrupt, .cannotOpen, .newerSchema, .sqlite, .journal: return 74
        }
    }

    private func fatal(_ message: String, code: Int32) -> ExitCode {
        printToStandardError("p2p-chat: \(message)")
        return ExitCode(code)
    }
}
