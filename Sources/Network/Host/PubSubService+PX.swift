/// Peers offered by peer exchange (the PX list of a PRUNE that ends a mesh link, from a peer scored at least
/// `acceptPXThreshold`) are dialed only on addresses they signed themselves: the PX entry's signed peer record
/// must verify and name that peer. A bare peer ID (py-libp2p and go send one when they hold no record) is not
/// dialed; discovery may find it.
///
///     .connect(peer, record) ──► verify ──► (the larger PeerID waits `tieBreakDelay`) ──► dial the TCP
///                                addresses in turn (loopback last); at most `maxPXDials` peers at once; a
///                                connection or the last failure ends it
///
/// A peer that leaves often offers its mesh peers to each other (py-libp2p does on every leave): both would dial
/// at once, and one of the two connections would be dropped under whatever it carried. The larger PeerID waits a
/// moment, so it is usually dialed instead of dialing.
extension PubSubService {
    /// PX peers being dialed at once; offers beyond it are dropped (a PRUNE offers at most 16).
    public static let maxPXDials = 16
    /// How long the larger PeerID of the two waits before dialing an offered peer.
    public static let tieBreakDelay: Duration = .seconds(1)

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
        guard peer < host.peerID else { dialOffered(peer, at: first); return }
        host.reactor.schedule(after: Self.tieBreakDelay) { [weak self] in
            guard let self, self.pxDials[peer] != nil else { return }
            guard !self.host.isConnectedOrDialing(peer) else { self.pxDials[peer] = nil; return }
            self.dialOffered(peer, at: first)
        }
    }

    private func dialOffered(_ peer: PeerID, at address: Multiaddr) {
        host.log.info("PX: dialing \(peer) at \(address)")
        host.dial(address.withPeerID(peer))
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
