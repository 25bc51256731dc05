import Dispatch

/// A `/dns*` dial waiting for its name (reactor thread).
struct PendingLookup {
    let address: Multiaddr
    let name: String
    /// An attempt of a peer dial (`Host+PeerDial`).
    var forPeerDial = false
}

/// What a lookup thread hands back to the reactor: the dial it belongs to and the addresses, or why none.
struct LookupAnswer: Sendable {
    let id: Int
    let result: Result<[SocketAddress], LookupFailure>
}

/// A lookup's error, carried across threads as text.
struct LookupFailure: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// Name lookups for dials, off the reactor thread:
///
///     dial(/dns4/host/tcp/port) ─► lookups[id] ─► global queue: config.nameResolver.resolve (may block)
///         ─► lookupInbox.post(answer) ─► reactor thread: finishLookup ─► connect, or dialFailed
///
/// `getaddrinfo` blocks for as long as DNS takes (seconds when a server does not answer); on the reactor that
/// would freeze every connection and the screen. At most `config.maxPendingLookups` run at once. A lookup
/// still running when the host closes is forgotten: its answer finds no dial and is dropped.
extension Host {
    func lookUp(_ name: String, port: UInt16, family: SocketAddress.Family, dialing address: Multiaddr,
                forPeerDial: Bool = false) throws {
        guard lookups.count < config.maxPendingLookups else {
            throw HostError.tooManyLookups(limit: config.maxPendingLookups)
        }
        let inbox = try answerInbox()
        let id = nextLookupID
        nextLookupID += 1
        lookups[id] = PendingLookup(address: address, name: name, forPeerDial: forPeerDial)
        let resolver = config.nameResolver
        DispatchQueue.global(qos: .utility).async {
            let result: Result<[SocketAddress], LookupFailure>
            do { result = .success(try resolver.resolve(host: name, port: port, family: family)) } catch {
                result = .failure(LookupFailure(description: "\(error)"))
            }
            inbox.post(LookupAnswer(id: id, result: result))
        }
    }

    /// Lookups in flight.
    public var pendingLookupCount: Int { lookups.count }

    private func answerInbox() throws -> ReactorInbox<LookupAnswer> {
        if let lookupInbox { return lookupInbox }
        let inbox: ReactorInbox<LookupAnswer>
        do { inbox = try ReactorInbox() } catch let e as Errno { throw HostError.socket(e) }
        inbox.attach(to: reactor) { [weak self] answer in self?.finishLookup(answer) }
        lookupInbox = inbox
        return inbox
    }

    private func finishLookup(_ answer: LookupAnswer) {
        guard let lookup = lookups.removeValue(forKey: answer.id) else { return }
        let address = lookup.address
        guard !isClosed else { return }
        // Reached another way meanwhile (a peer dial's attempts are ended by the peer dial itself).
        if !lookup.forPeerDial, let expected = address.peerID, isConnectedOrDialing(expected) { return }
        let forPeerDial = lookup.forPeerDial
        guard connections.count < config.maxConnections else {
            dialFailed(address, .connectionLimit, forPeerDial: forPeerDial); return
        }
        let target: SocketAddress
        do {
            target = try TCPTransport.resolved(address, name: lookup.name, result: answer.result.mapError { $0 })
        } catch let e as HostError {
            dialFailed(address, e, forPeerDial: forPeerDial); return
        } catch {
            dialFailed(address, .invalidAddress(address, reason: "\(error)"), forPeerDial: forPeerDial); return
        }
        connect(to: target, dialing: address, forPeerDial: forPeerDial)
    }

    func cancelLookups() {
        lookups.removeAll()
        lookupInbox?.detach()
        lookupInbox = nil
    }
}
