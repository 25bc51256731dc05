import Logging
import Network
import Persistence

/// Peers seen are remembered with their addresses, so a restarted node redials them without discovery.
///
/// Stored: identify's listen addresses, and the address we dialed for outbound connections. The remote
/// address of an inbound connection is not kept: it is the peer's ephemeral source port, never dialable.
/// Redials go one address at a time per peer (the host keeps one dial per peer in flight); a failed one
/// moves on to the next address and is logged, not shown: a peer that is gone is not an error.
final class KnownPeers {
    /// Peers redialed at start, most recently seen first.
    static let maxRedials = 64

    private let store: Store
    private let me: PeerID
    private let log = Logger(label: "p2p-chat.peers")
    /// Addresses still to try for each peer being redialed.
    private var pending: [PeerID: [Multiaddr]] = [:]
    private var inFlight: [String: PeerID] = [:]

    init(store: Store, me: PeerID) {
        self.store = store
        self.me = me
    }

    func connected(_ peer: PeerID, _ info: ConnectionInfo) {
        pending[peer] = nil
        let dialed = info.direction == .outbound ? info.remoteAddress.map { [$0.removingPeerID().description] } ?? [] : []
        save(peer, addresses: dialed, agent: nil, connected: true)
    }

    func identified(_ peer: PeerID, _ info: IdentifyInfo) {
        save(peer, addresses: info.listenAddrs.map { $0.removingPeerID().description }, agent: info.agentVersion,
             connected: false)
    }

    /// Dials every known peer (never ourselves) at its most recent address.
    func redialAll(with host: Network.Host) {
        let known: [PeerRecord]
        do { known = try store.peers.known(limit: Self.maxRedials) } catch {
            log.warning("reading known peers: \(error)"); return
        }
        for record in known {
            guard let peer = try? PeerID(record.peerID), peer != me else { continue }
            let addresses = record.addresses.compactMap { try? Multiaddr($0).withPeerID(peer) }
            guard !addresses.isEmpty else { continue }
            pending[peer] = addresses
            dialNext(peer, host)
        }
    }

    /// True when `address` was one of our redials (then the next address is tried, and nothing is shown).
    func dialFailed(_ address: Multiaddr, reason: HostError, host: Network.Host) -> Bool {
        guard let peer = inFlight.removeValue(forKey: address.description) else { return false }
        log.info("redial \(address) failed: \(reason)")
        dialNext(peer, host)
        return true
    }

    private func dialNext(_ peer: PeerID, _ host: Network.Host) {
        guard var addresses = pending[peer], !addresses.isEmpty else { pending[peer] = nil; return }
        let address = addresses.removeFirst()
        pending[peer] = addresses
        inFlight[address.description] = peer
        log.info("redialing known peer \(peer) at \(address)")
        host.dial(address)
    }

    private func save(_ peer: PeerID, addresses: [String], agent: String?, connected: Bool) {
        guard peer != me else { return }
        do { try store.peers.saw(peer.base58, addresses: addresses, agent: agent, connected: connected) } catch {
            log.warning("saving peer \(peer): \(error)")
        }
    }
}
