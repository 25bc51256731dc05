/// Identify (`/ipfs/id/1.0.0`) on every new connection, our answer to a peer's identify, and
/// identify push (`/ipfs/id/push/1.0.0`) from peers.
extension Host {
    func registerBuiltinProtocols() {
        setStreamHandler(Identify.protocolID) { [unowned self] _ in IdentifyResponder(host: self) }
        setStreamHandler(Identify.pushProtocolID) { [unowned self] _ in IdentifyReceiver(host: self, isPush: true) }
        setStreamHandler(Ping.protocolID) { _ in PingService() }
    }

    /// What we tell a peer about ourselves on `connection`.
    func localIdentify(observed: Multiaddr?) -> IdentifyInfo {
        IdentifyInfo(protocolVersion: config.protocolVersion,
                     agentVersion: config.agentVersion,
                     publicKey: identity.publicKey,
                     listenAddrs: listeners.flatMap { TCPTransport.dialableAddresses(for: $0.address) },
                     observedAddr: observed,
                     protocols: supportedProtocols)
    }

    func startIdentify(on connection: Connection) {
        do {
            _ = try connection.openStream(protocols: [Identify.protocolID],
                                          handler: IdentifyReceiver(host: self, isPush: false))
        } catch {
            log.warning("could not open identify stream: \(error)")
        }
    }

    func recordIdentify(_ info: IdentifyInfo, from peer: PeerID, isPush: Bool) {
        guard connectionByPeer[peer] != nil else { return }
        if let key = info.publicKey, !peer.matches(key) {
            log.warning("identify from \(peer) carries another peer's key; ignored")
            return
        }
        let merged = isPush ? (identified[peer] ?? IdentifyInfo()).merging(push: info) : info
        identified[peer] = merged
        emit(.identified(peer, merged))
    }
}

/// Answers a peer's identify request: one message, then FIN.
final class IdentifyResponder: StreamHandler {
    unowned let host: Host
    init(host: Host) { self.host = host }

    func streamOpened(_ stream: HostStream) {
        let observed = stream.connection?.socket.remoteAddress.map(Multiaddr.init(tcp:))
        stream.write(Identify.encode(host.localIdentify(observed: observed)))
        stream.closeWrite()
    }

    func streamRemoteClosed(_ stream: HostStream) {}
}

/// Reads a peer's identify (our request, or their push) until EOF and records it.
final class IdentifyReceiver: StreamHandler {
    unowned let host: Host
    let isPush: Bool
    var reader = IdentifyReader()

    init(host: Host, isPush: Bool) {
        self.host = host
        self.isPush = isPush
    }

    func streamOpened(_ stream: HostStream) {
        if !isPush { stream.closeWrite() }   // the request carries no bytes
    }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        do { try reader.feed(bytes) } catch {
            host.log.info("bad identify from \(stream.peer): \(error)")
            stream.reset()
        }
    }

    func streamRemoteClosed(_ stream: HostStream) {
        do {
            let info = try reader.finish()
            host.recordIdentify(info, from: stream.peer, isPush: isPush)
        } catch {
            host.log.info("bad identify from \(stream.peer): \(error)")
        }
        if isPush { stream.closeWrite() }
    }
}
