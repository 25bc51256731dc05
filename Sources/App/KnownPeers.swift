import Logging
import Network
import Persistence

/// Peers seen are remembered with their addresses, so a restarted node redials them without discovery,
/// and peers we talked to are kept connected: a dropped connection is redialed with backoff (`PeerKeeper`).
///
/// Stored: identify's listen addresses, and the address we dialed for outbound connections. The remote
/// address of an inbound connection is not kept: it is the peer's ephemeral source port, never dialable.
/// Redial failures are logged, not shown: a peer that is gone is not an error.
final class KnownPeers {
    /// Peers redialed at start, most recently seen first.
    static let maxRedials = 64

    private let store: Store
    private let me: PeerID
    private let log = Logger(label: "p2p-chat.peers")
    private var keeper: PeerKeeper?
    /// Peers handed to the keeper: their dial failures are ours to log.
    private var kept: Set<PeerID> = []

    init(store: Store, me: PeerID) {
        self.store = store
        self.me = me
    }

    func connected(_ peer: PeerID, _ info: ConnectionInfo) {
        let dialed = info.direction == .outbound ? info.remoteAddress.map { [$0.removingPeerID()] } ?? [] : []
        save(peer, addresses: dialed.map(\.description), agent: nil, connected: true)
        if !dialed.isEmpty { keep(peer, dialed) }
    }

    func identified(_ peer: PeerID, _ info: IdentifyInfo) {
        save(peer, addresses: info.listenAddrs.map { $0.removingPeerID().description }, agent: info.agentVersion,
             connected: false)
        keep(peer, info.listenAddrs.map { $0.removingPeerID() })
    }

    /// Starts keeping peers connected and dials every known peer (never ourselves) at its recent addresses.
    func redialAll(with host: Network.Host) {
        keeper = keeper ?? PeerKeeper(host: host)
        let known: [PeerRecord]
        do { known = try store.peers.known(limit: Self.maxRedials) } catch {
            log.warning("reading known peers: \(error)"); return
        }
        for record in known {
            guard let peer = try? PeerID(record.peerID), peer != me else { continue }
            let addresses = record.addresses.compactMap { try? Multiaddr($0) }
            guard !addresses.isEmpty else { continue }
            log.info("redialing known peer \(peer)")
            keep(peer, addresses)
        }
    }

    /// Peers kept but not connected right now (being redialed).
    var waiting: [PeerID] { keeper?.waiting ?? [] }

    /// True when `address` is one of our redials (logged here, not shown).
    func dialFailed(_ address: Multiaddr, reason: HostError) -> Bool {
        guard let peer = address.peerID, kept.contains(peer) else { return false }
        log.info("redial \(address) failed: \(reason)")
        return true
    }

    private func keep(_ peer: PeerID, _ addresses: [Multiaddr]) {
        guard peer != me, let keeper, !addresses.isEmpty else { return }
        kept.insert(peer)
        keeper.keep(peer, addresses: addresses)
    }

    private func save(_ peer: PeerID, addresses: [String], agent: String?, connected: Bool) {
        guard peer != me else { return }
        do { try store.peers.saw(peer.base58, addresses: addresses, agent: agent, connected: connected) } catch {
            log.warning("saving peer \(peer): \(error)")
        }
    }
}
