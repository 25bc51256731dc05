import Logging

/// The libp2p host: listens and dials over TCP, upgrades every connection (Noise, yamux), keeps one
/// connection per peer, routes inbound streams to protocol handlers, and runs identify and ping.
///
/// The host is the only code that moves bytes between sockets and protocol machines. It runs on the
/// reactor's thread and reports through `onEvent`.
public final class Host {
    public let identity: PrivateKey
    public let peerID: PeerID
    public internal(set) var config: HostConfig
    public var onEvent: ((HostEvent) -> Void)?
    /// Services built on the host (pubsub, later discovery) see every event too, before `onEvent`.
    var observers: [(HostEvent) -> Void] = []
    let reactor: Reactor
    let log: Logger
    /// One Noise static key per process, signed once (see `NoiseStaticKey`).
    let noiseStaticKey: NoiseStaticKey

    var listeners: [(listener: TCPListener, watch: WatchID, address: Multiaddr)] = []
    var connections: [Int: Connection] = [:]
    /// The kept, multiplexed connection of each peer.
    var connectionByPeer: [PeerID: Connection] = [:]
    var identified: [PeerID: IdentifyInfo] = [:]
    /// Connected peers' signed peer records from identify, verified (`Host+Identify`).
    var peerRecords: [PeerID: SignedPeerRecord] = [:]
    /// Our own signed record, made again when our listen addresses change.
    var localRecord: SignedPeerRecord?
    /// The addresses peers last heard from us, and the timer that looks for changes (`Host+IdentifyPush`).
    var announcedAddresses: [Multiaddr] = []
    var addressCheck: TimerID?
    /// The machine's interface addresses, which wildcard listeners expand to (tests replace it).
    var interfaceAddresses: () -> [SocketAddress] = NetworkInterfaces.addresses
    var handlers: [String: (HostStream) -> StreamHandler] = [:]
    var nextConnectionID = 1
    /// Addresses others reached us at that are on none of our interfaces (a forwarded port on a NAT's public
    /// address, confirmed by AutoNAT): advertised after our own (`Host+ExternalAddresses`).
    public internal(set) var externalAddresses: [Multiaddr] = []
    /// Peers being dialed on several addresses at once (`Host+PeerDial`).
    var peerDials: [PeerID: PeerDial] = [:]
    /// `/dns*` dials whose names are being looked up on another thread (`Host+Lookups`).
    var lookups: [Int: PendingLookup] = [:]
    var nextLookupID = 1
    /// Where lookup answers come back to the reactor thread; made at the first lookup.
    var lookupInbox: ReactorInbox<LookupAnswer>?
    var isClosed = false
    /// One read buffer for every socket: the reactor is single-threaded.
    var readBuffer = [UInt8](repeating: 0, count: 256 << 10)

    public init(identity: PrivateKey, reactor: Reactor, config: HostConfig = HostConfig(),
                logger: Logger = Logger(label: "p2p-chat.host")) {
        self.identity = identity
        self.peerID = identity.peerID
        self.reactor = reactor
        self.config = config
        self.log = logger
        self.noiseStaticKey = NoiseStaticKey(identity: identity)
        registerBuiltinProtocols()
        if config.enablePerf { registerPerf() }
    }

    // MARK: Listening

    /// Binds a TCP listener; returns the bound address (port 0 resolved), without `/p2p`.
    @discardableResult
    public func listen(_ address: Multiaddr) throws -> Multiaddr {
        let socketAddress = try TCPTransport.listenAddress(address)
        let listener: TCPListener
        do { listener = try TCPListener.bind(socketAddress) } catch let e as Errno {
            throw HostError.invalidAddress(address, reason: "\(e)")
        }
        let bound = Multiaddr(tcp: listener.localAddress)
        let watch = reactor.watch(listener.fd, .read) { [weak self] _ in self?.acceptAll(listener) }
        listeners.append((listener, watch, bound))
        log.info("listening on \(bound)")
        watchAddresses()
        return bound
    }

    /// Addresses others can dial, each ending in `/p2p/<our id>`; wildcard listeners expand to interfaces.
    public var listenAddresses: [Multiaddr] {
        localAddresses().map { $0.appending(.p2p(peerID)) }
    }

    /// Addresses others can dial, without `/p2p`.
    func localAddresses() -> [Multiaddr] {
        var interfaces: [SocketAddress]?   // read once, and only when a wildcard listener needs them
        func machineAddresses() -> [SocketAddress] {
            if interfaces == nil { interfaces = interfaceAddresses() }
            return interfaces ?? []
        }
        let own = listeners.flatMap { TCPTransport.dialableAddresses(for: $0.address, interfaces: machineAddresses()) }
        return own + externalAddresses.filter { !own.contains($0) }
    }

    private func acceptAll(_ listener: TCPListener) {
        while true {
            let socket: TCPSocket?
            do { socket = try listener.accept() } catch {
                // Out of descriptors: the pending connection stays queued and poll would spin on it,
                // so stop watching the listener for a moment.
                log.warning("accept failed: \(error); pausing this listener for \(Self.acceptPause)")
                pauseAccepting(listener)
                return
            }
            guard let socket else { return }
            guard connections.count < config.maxConnections, pendingCount < config.maxPendingConnections else {
                let remote = socket.remoteAddress.map { "\(Multiaddr(tcp: $0))" } ?? "?"
                log.warning("refusing inbound connection from \(remote): limit reached")
                socket.close()
                emit(.inboundFailed(remote: remote, .connectionLimit))
                continue
            }
            let connection = addConnection(direction: .inbound, socket: socket, expectedPeer: nil, dialAddress: nil)
            connection.beginUpgrade()
        }
    }

    /// How long a listener rests after accept fails (e.g. EMFILE).
    static let acceptPause: Duration = .seconds(1)

    private func pauseAccepting(_ listener: TCPListener) {
        guard let watch = listeners.first(where: { $0.listener === listener })?.watch else { return }
        reactor.update(watch, [])
        reactor.schedule(after: Self.acceptPause) { [weak self] in
            guard let self, !self.isClosed else { return }
            self.reactor.update(watch, .read)
        }
    }

    var pendingCount: Int { connections.values.lazy.filter { !$0.isEstablished }.count }

    // MARK: Dialing

    /// Dials `address` (`/ip4|ip6|dns|dns4|dns6/…/tcp/…[/p2p/…]`); a name is looked up on another thread
    /// first. Reports through events: `connected`, or `dialFailed` with the reason.
    public func dial(_ address: Multiaddr) {
        guard !isClosed else { emit(.dialFailed(address, .hostClosed)); return }
        let expected = address.peerID
        if let expected {
            if expected == peerID { emit(.dialFailed(address, .dialedSelf)); return }
            // A peer dial running for it takes the address (mDNS, the user and the redialer all reach a
            // peer that is being dialed on other addresses); its failure is still reported as this dial's.
            if peerDials[expected] != nil { joinPeerDial(expected, address); return }
            if isConnectedOrDialing(expected) { return }
        }
        startDial(address)
    }

    /// A dial without the one-dial-per-peer check (a peer dial runs several on purpose); `forPeerDial` marks
    /// an attempt of one, whose failure moves it on (`Host+PeerDial`).
    func startDial(_ address: Multiaddr, forPeerDial: Bool = false) {
        guard connections.count + lookups.count < config.maxConnections else {
            dialFailed(address, .connectionLimit, forPeerDial: forPeerDial); return
        }
        do {
            switch try TCPTransport.dialTarget(address) {
            case .address(let target):
                connect(to: target, dialing: address, forPeerDial: forPeerDial)
            case .name(let name, let port, let family):
                try lookUp(name, port: port, family: family, dialing: address, forPeerDial: forPeerDial)
            }
        } catch let e as HostError {
            dialFailed(address, e, forPeerDial: forPeerDial)
        } catch {
            dialFailed(address, .invalidAddress(address, reason: "\(error)"), forPeerDial: forPeerDial)
        }
    }

    /// Reports a failed dial; an attempt of a peer dial then moves that on.
    func dialFailed(_ address: Multiaddr, _ reason: HostError, forPeerDial: Bool) {
        emit(.dialFailed(address, reason))
        if forPeerDial { peerDialAttemptFailed(address, reason) }
    }

    /// Whether `peer` has a connection, or one on its way (being upgraded, or its address being looked up).
    func isConnectedOrDialing(_ peer: PeerID) -> Bool {
        connectionByPeer[peer] != nil
            || connections.values.contains { $0.expectedPeer == peer && !$0.isClosed && !$0.isProbe && !$0.isEstablished }
            || lookups.values.contains { $0.address.peerID == peer }
            || peerDials[peer] != nil
    }

    /// Opens the TCP connection of a dial whose socket address is known.
    func connect(to target: SocketAddress, dialing address: Multiaddr, forPeerDial: Bool = false) {
        switch openConnection(to: target, dialing: address) {
        case .success(let connection): connection.isPeerDialAttempt = forPeerDial
        case .failure(let e): dialFailed(address, e, forPeerDial: forPeerDial)
        }
    }

    /// A new outbound connection to `target`, upgrading once TCP is up; the error when no socket could be opened.
    func openConnection(to target: SocketAddress, dialing address: Multiaddr) -> Result<Connection, HostError> {
        let socket: TCPSocket
        do { socket = try TCPSocket.connect(to: target) } catch let e as Errno {
            return .failure(.connectFailed(address, e))
        } catch {
            return .failure(.invalidAddress(address, reason: "\(error)"))
        }
        return .success(addConnection(direction: .outbound, socket: socket, expectedPeer: address.peerID, dialAddress: address))
    }

    private func addConnection(direction: ConnectionInfo.Direction, socket: TCPSocket, expectedPeer: PeerID?,
                               dialAddress: Multiaddr?) -> Connection {
        let connection = Connection(id: nextConnectionID, direction: direction, socket: socket,
                                    expectedPeer: expectedPeer, dialAddress: dialAddress, host: self)
        nextConnectionID += 1
        connections[connection.id] = connection
        connection.watch = reactor.watch(socket.fd, direction == .outbound ? [.read, .write] : .read) { [weak connection] r in
            connection?.handle(r)
        }
        connection.wantsWrite = direction == .outbound
        connection.handshakeTimer = reactor.schedule(after: config.handshakeTimeout) { [weak connection] in
            connection?.handshakeTimer = nil
            connection?.fail(.handshakeTimeout)
        }
        return connection
    }

    // MARK: Connection lifecycle (called by Connection)

    func connectionSecured(_ connection: Connection) throws {
        guard let peer = connection.remotePeer else { return }
        if peer == peerID { throw HostError.dialedSelf }
        // Closed before Noise's last message leaves: with it, the peer would finish its handshake and (both
        // sides listing yamux in the handshake) have a second muxed connection to us, which it might even keep
        // over the first. Without it, the peer only logs an inbound handshake that failed.
        if connection.isProbe { throw probeSucceeded(connection) }
    }

    /// A connection is multiplexed. Keep exactly one per peer: when two exist (simultaneous dials), both
    /// sides keep the one dialed by the smaller PeerID, so they agree without talking. The other one is
    /// retired, not closed at once: the peer may not have the kept one yet and may be using this one, so it
    /// lives `config.duplicateGrace` longer (new streams go to the kept one; streams on it finish), and
    /// whichever side closes it then, nobody sees a disconnect or loses a stream.
    func connectionEstablished(_ connection: Connection) {
        guard let peer = connection.remotePeer else { return }
        if let existing = connectionByPeer[peer], existing !== connection, !existing.isClosed {
            let preferredDialer = min(peer, peerID)
            func dialer(_ c: Connection) -> PeerID { c.direction == .outbound ? peerID : peer }
            connection.isEstablished = true
            if dialer(connection) == preferredDialer && dialer(existing) != preferredDialer {
                log.debug("replacing duplicate connection to \(peer)")
                connectionByPeer[peer] = connection
                retire(existing)
                // `connected` was reported for `existing`; identify (and whatever services start on
                // `.identified`) must run again on the connection that stays.
                startIdentify(on: connection)
            } else {
                log.debug("retiring duplicate connection to \(peer)")
                retire(connection)
            }
            return
        }
        connection.isEstablished = true
        connectionByPeer[peer] = connection
        log.info("connected to \(peer) (\(connection.direction.rawValue))")
        emit(.connected(peer, connection.info))
        startIdentify(on: connection)
    }

    /// Closes a duplicate `config.duplicateGrace` from now (see `connectionEstablished`). At most one per peer
    /// waits: a peer that keeps opening duplicates gets the older ones closed at once.
    private func retire(_ connection: Connection) {
        if let peer = connection.remotePeer { closeRetired(of: peer) }
        connection.isRetired = true
        reactor.schedule(after: config.duplicateGrace) { [weak connection] in
            connection?.close(reason: .duplicateConnection, graceful: true)
        }
    }

    /// Closes `peer`'s retired duplicate connection, if any, now.
    private func closeRetired(of peer: PeerID) {
        for retired in Array(connections.values) where retired.isRetired && retired.remotePeer == peer {
            retired.close(reason: .duplicateConnection, graceful: true)
        }
    }

    func connectionClosed(_ connection: Connection, reason: HostError?) {
        connections.removeValue(forKey: connection.id)
        if connection.isProbe { return probeClosed(connection, reason: reason) }
        if let peer = connection.remotePeer, connectionByPeer[peer] === connection {
            connectionByPeer.removeValue(forKey: peer)
            identified.removeValue(forKey: peer)
            peerRecords.removeValue(forKey: peer)
            log.info("disconnected from \(peer): \(reason.map { "\($0)" } ?? "closed")")
            emit(.disconnected(peer, reason: reason))
            return
        }
        if case .duplicateConnection? = reason { return }
        guard let reason, !connection.isRetired else { return }
        if connection.direction == .outbound, !connection.isEstablished, let address = connection.dialAddress {
            dialFailed(address, reason, forPeerDial: connection.isPeerDialAttempt)
        } else if !connection.isEstablished {
            let remote = connection.socket.remoteAddress.map { "\(Multiaddr(tcp: $0))" } ?? "?"
            log.info("inbound connection from \(remote) failed: \(reason)")
            emit(.inboundFailed(remote: remote, reason))
        }
    }

    func emit(_ event: HostEvent) {
        for observer in observers { observer(event) }
        onEvent?(event)
        if case .connected(let peer, _) = event { finishPeerDial(peer) }   // after everyone heard of it
    }

    /// Lets a service built on the host follow connections and identify results.
    public func addObserver(_ observer: @escaping (HostEvent) -> Void) { observers.append(observer) }

    // MARK: Streams

    /// Serves `protocolID` on inbound streams; `make` builds a handler per stream.
    public func setStreamHandler(_ protocolID: String, _ make: @escaping (HostStream) -> StreamHandler) {
        handlers[protocolID] = make
    }

    public func removeStreamHandler(_ protocolID: String) { handlers.removeValue(forKey: protocolID) }

    /// The protocols we serve, as advertised by identify.
    public var supportedProtocols: [String] { handlers.keys.sorted() }

    func handlesProtocol(_ id: String) -> Bool { handlers[id] != nil }

    func makeHandler(for protocolID: String, stream: HostStream) -> StreamHandler? {
        handlers[protocolID].map { $0(stream) }
    }

    /// Opens a stream to `peer` proposing `protocols` in order of preference. When the peer's identify lists one
    /// of them, only the first such is proposed, optimistically: the handler can write at once (one round trip
    /// saved on every request-response protocol: kad, ping, a pubsub stream's hello).
    @discardableResult
    public func newStream(to peer: PeerID, protocols: [String], handler: StreamHandler) throws -> HostStream {
        guard let connection = connectionByPeer[peer], connection.isMuxed else { throw HostError.notConnected(peer) }
        if let known = identified[peer]?.protocols, let pick = protocols.first(where: known.contains) {
            return try connection.openStream(protocols: [pick], handler: handler, optimistic: true)
        }
        return try connection.openStream(protocols: protocols, handler: handler)
    }

    // MARK: Queries

    public var connectedPeers: [PeerID] { connectionByPeer.keys.sorted() }

    /// How many peers are connected (O(1): the status line asks every frame).
    public var connectedPeerCount: Int { connectionByPeer.count }

    public func isConnected(_ peer: PeerID) -> Bool { connectionByPeer[peer] != nil }

    public func peers() -> [PeerSummary] {
        connectionByPeer.sorted { $0.key < $1.key }.map { peer, connection in
            PeerSummary(peer: peer, connection: connection.info, identify: identified[peer], record: peerRecords[peer])
        }
    }

    // MARK: Shutdown

    /// Disconnects a peer gracefully.
    public func disconnect(_ peer: PeerID) {
        closeRetired(of: peer)
        connectionByPeer[peer]?.close(reason: nil, graceful: true)
    }

    /// Closes every connection gracefully (GO_AWAY) and every listener.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        cancelLookups()
        for peer in Array(peerDials.keys) { finishPeerDial(peer) }
        if let addressCheck { reactor.cancel(addressCheck) }
        addressCheck = nil
        for (listener, watch, _) in listeners {
            reactor.unwatch(watch)
            listener.close()
        }
        listeners.removeAll()
        for connection in Array(connections.values) { connection.close(reason: nil, graceful: true) }
    }
}
