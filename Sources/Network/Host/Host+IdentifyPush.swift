/// Identify push (`/ipfs/id/push/1.0.0`) when our addresses change.
///
/// A wildcard listener's addresses are the machine's interfaces, and those come and go: Wi-Fi joins, a VPN
/// comes up, a container is attached to another network. Every `addressCheckInterval` the host compares them
/// with what it last announced; on a change it pushes a fresh identify (new listen addresses, and a signed peer
/// record with a higher seq) to every connected peer whose identify lists the push protocol, as go-libp2p
/// does. Peers then dial, store (`KnownPeers`) and pass on in PX the addresses we have now.
///
///     timer ─► localAddresses() == announced? ─yes─► nothing
///                           │ no
///                           └─► announced = now ─► each peer listing /ipfs/id/push/1.0.0:
///                                                  new stream ─► identify message ─► close
extension Host {
    /// Takes our addresses as announced (a new listener's are in every identify from now on) and starts the
    /// periodic check.
    func watchAddresses() {
        announcedAddresses = localAddresses()
        scheduleAddressCheck()
    }

    private func scheduleAddressCheck() {
        guard addressCheck == nil, !isClosed, let interval = config.addressCheckInterval,
              listeners.contains(where: { TCPTransport.isWildcard($0.address) }) else { return }   // else they never change
        addressCheck = reactor.schedule(after: interval) { [weak self] in
            guard let self else { return }
            self.addressCheck = nil
            self.checkAddresses()
            self.scheduleAddressCheck()
        }
    }

    /// Compares our addresses with the announced ones; pushes identify when they differ. Returns whether they did.
    @discardableResult
    func checkAddresses() -> Bool {
        let current = localAddresses()
        guard !isClosed, current != announcedAddresses else { return false }
        log.info("listen addresses changed: \(announcedAddresses) → \(current); pushing identify")
        announcedAddresses = current
        pushIdentify()
        return true
    }

    /// Sends our identify to every connected peer that accepts pushes (the `IdentifyResponder` writes it and
    /// closes, as it answers a request).
    func pushIdentify() {
        for (peer, info) in identified.sorted(by: { $0.key < $1.key })
        where info.protocols.contains(Identify.pushProtocolID) && connectionByPeer[peer] != nil {
            do {
                try newStream(to: peer, protocols: [Identify.pushProtocolID], handler: IdentifyResponder(host: self))
            } catch {
                log.info("identify push to \(peer): \(error)")
            }
        }
    }
}
