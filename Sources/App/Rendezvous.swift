import Network

/// Meets the peers of every joined room through the DHT, as go-libp2p's routing discovery does: each room is
/// provided under `KadKey.rendezvous(room)` (the multihash of `CIDv1(raw, sha2-256(room))`), re-provided before
/// the record could expire, and its providers are looked up now and then and dialed. `RendezvousSchedule`
/// decides when; this class runs it every `tick`, and at once when a bootstrap lookup has filled the table.
final class Rendezvous {
    static let tick: Duration = .seconds(5)

    let dht: DHTService
    let reactor: Reactor
    let rooms: () -> [String]
    let peerCount: (String) -> Int
    private(set) var schedule = RendezvousSchedule()
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

    func stop() {
        if let timer { reactor.cancel(timer) }
        timer = nil
    }

    /// `DHT: 12 peers, 1 lookup` for the status line.
    var status: String { dht.status }

    /// The routing table just filled: provide what failed for want of peers, look again where nobody is yet.
    func kick() {
        stop()
        schedule.tableFilled(peerCount: peerCount)
        step()
    }

    private func step() {
        let actions = schedule.step(joined: rooms(), peerCount: peerCount, now: reactor.now)
        // Completions may run at once (an empty table ends a lookup before it starts); the schedule already
        // marked each action running, so they find it in place.
        for action in actions {
            switch action {
            case .provide(let room):
                dht.provide(KadKey.rendezvous(room)) { [weak self] result in
                    guard let self else { return }
                    self.schedule.provideFinished(room, reached: result.providedTo, now: self.reactor.now)
                }
            case .findProviders(let room):
                dht.findProviders(KadKey.rendezvous(room), limit: RendezvousSchedule.providerLimit,
                                  onProvider: { [weak self] in self?.dht.connect($0) },
                                  completion: { [weak self] _ in self?.schedule.lookupFinished(room) })
            }
        }
        timer = reactor.schedule(after: Self.tick) { [weak self] in self?.step() }
    }
}
