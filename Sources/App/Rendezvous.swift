import Network

/// Meets the peers of every joined room through the DHT, as go-libp2p's routing discovery does: each room is
/// provided under `KadKey.rendezvous(room)` (the multihash of `CIDv1(raw, sha2-256(room))`) and re-provided
/// before the record could expire; its providers are looked up now and then and dialed.
///
///     every `tick`:  rooms no longer joined are forgotten
///                    a room never provided (or provided `reprovideInterval` ago) → provide
///                    no lookup running, and the last one `lonelyLookupInterval` ago (nobody in the room)
///                    or `lookupInterval` ago (someone is) → find providers; each one found is dialed
///     a bootstrap lookup finished → the same at once (`kick`), lonely rooms looked up again
///
/// A provide that reached nobody (empty routing table) is retried at the next tick.
final class Rendezvous {
    static let tick: Duration = .seconds(5)
    static let lonelyLookupInterval: Duration = .seconds(10)
    static let lookupInterval: Duration = .seconds(300)
    /// go re-advertises within 3 h; records live 48 h.
    static let reprovideInterval: Duration = .seconds(3 * 3600)
    /// Providers taken from one lookup (go's FindPeers limit).
    static let providerLimit = 100

    struct RoomState {
        var provided: Instant?
        var lastLookup: Instant?
        var providing = false
        var lookingUp = false
    }

    let dht: DHTService
    let reactor: Reactor
    let rooms: () -> [String]
    let peerCount: (String) -> Int
    private(set) var states: [String: RoomState] = [:]
    private var timer: TimerID?

    /// `rooms` lists the joined rooms; `peerCount` says how many peers we already share a room with.
    init(dht: DHTService, reactor: Reactor, rooms: @escaping () -> [String], peerCount: @escaping (String) -> Int) {
        self.dht = dht
        self.reactor = reactor
        self.rooms = rooms
        self.peerCount = peerCount
    }

    func start() {
        dht.onBootstrapped = { [weak self] in self?.kick() }
        step()
    }

    /// The routing table just filled: provide what failed for want of peers, look again where nobody is yet.
    func kick() {
        if let timer { reactor.cancel(timer) }
        timer = nil
        for (room, state) in states where !state.lookingUp && peerCount(room) == 0 { states[room]?.lastLookup = nil }
        step()
    }

    func stop() {
        if let timer { reactor.cancel(timer) }
        timer = nil
    }

    /// `DHT: 12 peers, 1 lookup` for the status line.
    var status: String { dht.status }

    private func step() {
        let now = reactor.now
        let joined = rooms()
        states = states.filter { joined.contains($0.key) }
        for room in joined {
            if states[room] == nil { states[room] = RoomState() }
            // Completions may run at once (an empty table ends a lookup before it starts): set state first.
            if let state = states[room], !state.providing, state.provided.map({ now - $0 >= Self.reprovideInterval }) ?? true {
                states[room]?.providing = true
                dht.provide(KadKey.rendezvous(room)) { [weak self] result in
                    guard let self else { return }
                    self.states[room]?.providing = false
                    if result.providedTo > 0 { self.states[room]?.provided = self.reactor.now }
                }
            }
            let interval = peerCount(room) == 0 ? Self.lonelyLookupInterval : Self.lookupInterval
            if let state = states[room], !state.lookingUp, state.lastLookup.map({ now - $0 >= interval }) ?? true {
                states[room]?.lookingUp = true
                states[room]?.lastLookup = now
                dht.findProviders(KadKey.rendezvous(room), limit: Self.providerLimit,
                                  onProvider: { [weak self] in self?.dht.connect($0) },
                                  completion: { [weak self] _ in self?.states[room]?.lookingUp = false })
            }
        }
        timer = reactor.schedule(after: Self.tick) { [weak self] in self?.step() }
    }
}
