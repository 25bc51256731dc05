/// Peers offered by peer exchange (the PX list of a PRUNE that ends a mesh link, from a peer scored at least
/// `acceptPXThreshold`) are dialed only on addresses they signed themselves: the PX entry's signed peer record
/// must verify and name that peer. A bare peer ID (py-libp2p and go send one when they hold no record) is not
/// dialed; discovery may find it.
///
///     .connect(peer, record) ──► verify ──► dial its TCP addresses, staggered (`Host.dial(_:addresses:)`,
///                                loopback last); at most `maxPXDials` peers at once; a connection or
///                                `.peerDialFailed` ends it
///
/// A peer that leaves often offers its mesh peers to each other (py-libp2p does on every leave), so both dial at
/// once; the host keeps one connection and retires the other without cutting anything (`Host.connectionEstablished`).
extension PubSubService {
    /// PX peers being dialed at once; offers beyond it are dropped (a PRUNE offers at most 16).
    public static let maxPXDials = 16

    func connectOffered(_ peer: PeerID, record envelope: [UInt8]?) {
        guard peer != host.peerID, !host.isConnectedOrDialing(peer), !pxDials.contains(peer) else { return }
        guard let envelope else {
            host.log.debug("PX offered \(peer) without a signed peer record; not dialed")
            return
        }
        let record: SignedPeerRecord
        do { record = try SignedPeerRecord(verifying: envelope) } catch {
            host.log.info("PX offered \(peer) with a peer record we refuse: \(error)")
            return
        }
        guard record.peer == peer else {
            host.log.info("PX offered \(peer) with \(record.peer)'s peer record; not dialed")
            return
        }
        let addresses = Multiaddr.tcpDialOrder(record.addresses)
        guard !addresses.isEmpty, pxDials.count < Self.maxPXDials else { return }
        pxDials.insert(peer)
        host.log.info("PX: dialing \(peer) on \(addresses.count) address(es)")
        host.dial(peer, addresses: addresses)
    }
}
