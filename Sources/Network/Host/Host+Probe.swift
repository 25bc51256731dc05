/// Dial-back probes, for AutoNAT: can a peer be reached at an address it claims? A probe is a connection of
/// its own, even when we are connected to the peer already (that connection proves nothing about the
/// address), and it ends as soon as the Noise handshake has proven the peer's key at that address:
///
///     probe(addr /p2p/peer) ──► TCP connect ──► multistream ──► Noise XX (the peer's identity checked)
///                           ──► .success, connection closed   (before the muxer: never a second kept
///                                                              connection, nothing for either side to retire)
///     refused, timed out, another key ──► .failure(reason)
///
/// A probe emits no host events and does not count as dialing the peer.
extension Host {
    /// Probes `address` (ending in `/p2p/<peer>`); `completion` runs once, on the reactor thread.
    public func probe(_ address: Multiaddr, completion: @escaping (Result<Void, HostError>) -> Void) {
        guard !isClosed else { return completion(.failure(.hostClosed)) }
        guard let peer = address.peerID, peer != peerID else {
            return completion(.failure(.invalidAddress(address, reason: "a probe needs another peer's /p2p/<id>")))
        }
        guard connections.count < config.maxConnections else { return completion(.failure(.connectionLimit)) }
        let target: SocketAddress
        do {
            guard case .address(let resolved) = try TCPTransport.dialTarget(address) else {
                return completion(.failure(.invalidAddress(address, reason: "a probe dials IP addresses only")))
            }
            target = resolved
        } catch let e as HostError { return completion(.failure(e)) } catch {
            return completion(.failure(.invalidAddress(address, reason: "\(error)")))
        }
        switch openConnection(to: target, dialing: address) {
        case .success(let connection):
            connection.isProbe = true
            connection.probe = completion
        case .failure(let e):
            completion(.failure(e))
        }
    }

    /// The probed peer finished Noise with the expected key: report success; the returned error closes it.
    func probeSucceeded(_ connection: Connection) -> HostError {
        let completion = connection.probe
        connection.probe = nil
        completion?(.success(()))
        return .probeDone
    }

    func probeClosed(_ connection: Connection, reason: HostError?) {
        let completion = connection.probe
        connection.probe = nil
        completion?(.failure(reason ?? .connectionClosed(reason: "closed before the handshake")))
    }
}
