#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Identify (`/ipfs/id/1.0.0`) on every new connection, our answer to a peer's identify, and
/// identify push (`/ipfs/id/push/1.0.0`) from peers. Both directions carry a signed peer record: ours is
/// sent, theirs is verified and kept while they are connected (GossipSub passes it along in PX).
extension Host {
    func registerBuiltinProtocols() {
        setStreamHandler(Identify.protocolID) { [unowned self] _ in IdentifyResponder(host: self) }
        setStreamHandler(Identify.pushProtocolID) { [unowned self] _ in IdentifyReceiver(host: self, isPush: true) }
        setStreamHandler(Ping.protocolID) { _ in PingService() }
    }

    /// What we tell a peer about ourselves on `connection`.
    func localIdentify(observed: Multiaddr?) -> IdentifyInfo {
        let addresses = localAddresses()
        return IdentifyInfo(protocolVersion: config.protocolVersion,
                            agentVersion: config.agentVersion,
                            publicKey: identity.publicKey,
                            listenAddrs: addresses,
                            observedAddr: observed,
                            protocols: supportedProtocols,
                            signedPeerRecord: addresses.isEmpty ? nil : localPeerRecord(addresses).envelope)
    }

    /// Our record for `addresses`: the cached one while they are the same, else a new one numbered by the wall
    /// clock in nanoseconds (as go and py do), so it is newer than any we signed before a restart.
    func localPeerRecord(_ addresses: [Multiaddr]) -> SignedPeerRecord {
        let plain = addresses.map { $0.removingPeerID() }
        if let localRecord, localRecord.addresses == Array(plain.prefix(SignedPeerRecord.maxAddresses)) { return localRecord }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanos = UInt64(max(0, now.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, now.tv_nsec))
        let record = SignedPeerRecord(addresses: plain, seq: max(nanos, (localRecord?.seq ?? 0) &+ 1), key: identity)
        localRecord = record
        return record
    }

    /// `peer`'s verified signed record, while it is connected.
    public func peerRecord(of peer: PeerID) -> SignedPeerRecord? { peerRecords[peer] }

    /// Keeps the record identify carried if it verifies, is `peer`'s own and is not older than the one kept.
    func recordPeerRecord(_ envelope: [UInt8], from peer: PeerID) {
        do {
            let record = try SignedPeerRecord(verifying: envelope)
            guard record.peer == peer else {
                log.info("identify from \(peer) carries \(record.peer)'s peer record; ignored")
                return
            }
            if let kept = peerRecords[peer], kept.seq > record.seq { return }
            peerRecords[peer] = record
        } catch {
            log.info("identify from \(peer): signed peer record refused: \(error)")
        }
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
        if let envelope = info.signedPeerRecord { recordPeerRecord(envelope, from: peer) }
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
