import Synchronization

/// The base58 text of PeerIDs met recently, shared by the whole process.
///
/// A chat line needs its author's name three times on its way to the screen (the JSON `from` check, the
/// stored row, the shown event) and our own name once per message sent; base58 is a quadratic-time
/// conversion (~5 µs for a 38-byte Ed25519 PeerID, twice that with a cold cache), so it runs once per
/// PeerID instead. Bounded: cleared when `capacity` names are held (the busy ones come back at once).
enum PeerIDNames {
    static let capacity = 4096

    private static let names = Mutex<[PeerID: String]>([:])

    static func name(of peer: PeerID) -> String {
        if let name = names.withLock({ $0[peer] }) { return name }
        let name = Base58.encode(peer.bytes)
        names.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[peer] = name
        }
        return name
    }

    /// Names held now (tests).
    static var count: Int { names.withLock { $0.count } }
}
