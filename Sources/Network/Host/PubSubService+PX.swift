/// Peers offered by peer exchange (the PX list of a PRUNE that ends a mesh link, from a peer scored at least
/// `acceptPXThreshold`) are dialed only on addresses they signed themselves: the PX entry's signed peer record
/// must verify and name that peer. A bare peer ID (py-libp2p and go send one when they hold no record) is not
/// dialed; discovery may find it.
///
///     .connect(peer, record) ──► verify ──► dial the TCP addresses in turn (loopback last); at most
///                                `maxPXDials` peers at once; a connection or the last failure ends it
///
/// A peer that leaves often offers its mesh peers to each other (py-libp2p does on every leave), so both dial at
/// once; the host keeps one connection and retires the other without cutting anything (`Host.connectionEstablished`).
extension PubSubService {
    /// PX peers being dialed at once; offers beyond it are dropped (a PRUNE offers at most 16).
    public static let maxPXDials = 16

    func connectOffered(_ peer: PeerID, record envelope: [UInt8]?) {
        guard peer != host.peerID, !host.isConnectedOrDialing(peer), pxDials[peer] == nil else { return }
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
        guard let first = addresses.first, pxDials.count < Self.maxPXDials else { return }
        pxDials[peer] = Array(addresses.dropFirst())
        host.log.info("PX: dialing \(peer) at \(first)")
        host.dial(first.withPeerID(peer))
    }

    /// The next address of a PX peer after a failed one; the peer is dropped after its last.
    func pxDialFailed(_ address: Multiaddr) {
        guard let peer = address.peerID, var rest = pxDials[peer] else { return }
        guard !rest.isEmpty else { pxDials[peer] = nil; return }
        let next = rest.removeFirst()
        pxDials[peer] = rest
        host.dial(next.withPeerID(peer))
    }
}
