/// When to provide and when to look up each room's rendezvous key: the pure part of the room rendezvous
/// (the App's `Rendezvous` carries the actions out on a `DHTService`). Time comes in; nothing is done here.
///
///     a room not provided, or provided `reprovideInterval` ago, and no provide running  → .provide
///     no lookup running, and none yet, or the last `lonelyLookupInterval` ago (nobody in the room)
///                                    or `lookupInterval` ago (someone is)              → .findProviders
///     `tableFilled` (a bootstrap lookup ended): lonely rooms may look up again at once
///
/// A provide that reached nobody (empty routing table) does not count: it is retried at the next step.
public struct RendezvousSchedule: Sendable {
    public static let lonelyLookupInterval: Duration = .seconds(10)
    public static let lookupInterval: Duration = .seconds(300)
    /// go re-advertises within 3 h; records live 48 h.
    public static let reprovideInterval: Duration = .seconds(3 * 3600)
    /// Providers taken from one lookup (go's FindPeers limit).
    public static let providerLimit = 100

    public enum Action: Equatable, Sendable {
        case provide(String)
        case findProviders(String)
    }

    struct RoomState: Sendable {
        var provided: Instant?
        var lastLookup: Instant?
        var providing = false
        var lookingUp = false
    }

    private(set) var rooms: [String: RoomState] = [:]

    public init() {}

    /// What to start now for the joined `joined` rooms; `peerCount` says how many peers share a room with us.
    /// Rooms no longer joined are forgotten. Every action returned is marked running until its `…Finished`.
    public mutating func step(joined: [String], peerCount: (String) -> Int, now: Instant) -> [Action] {
        rooms = rooms.filter { joined.contains($0.key) }
        var actions: [Action] = []
        for room in joined {
            var state = rooms[room] ?? RoomState()
            if !state.providing, state.provided.map({ now - $0 >= Self.reprovideInterval }) ?? true {
                state.providing = true
                actions.append(.provide(room))
            }
            let interval = peerCount(room) == 0 ? Self.lonelyLookupInterval : Self.lookupInterval
            if !state.lookingUp, state.lastLookup.map({ now - $0 >= interval }) ?? true {
                state.lookingUp = true
                state.lastLookup = now
                actions.append(.findProviders(room))
            }
            rooms[room] = state
        }
        return actions
    }

    /// A provide ended; it counts only if it reached at least one peer.
    public mutating func provideFinished(_ room: String, reached: Int, now: Instant) {
        rooms[room]?.providing = false
        if reached > 0 { rooms[room]?.provided = now }
    }

    public mutating func lookupFinished(_ room: String) { rooms[room]?.lookingUp = false }

    /// The routing table just filled: rooms where nobody is yet may look up again at once.
    public mutating func tableFilled(peerCount: (String) -> Int) {
        for (room, state) in rooms where !state.lookingUp && peerCount(room) == 0 { rooms[room]?.lastLookup = nil }
    }
}
