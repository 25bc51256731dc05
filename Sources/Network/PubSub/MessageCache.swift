/// GossipSub's message cache (`mcache`): the last `historyLength` heartbeat windows of forwarded messages,
/// of which the newest `gossipLength` windows are advertised in IHAVE. IWANT answers come from here, with a
/// per-peer count so one peer cannot make us retransmit a message endlessly.
struct MessageCache {
    struct Entry {
        let raw: [UInt8]
        let topic: String
        var transmissions: [PeerID: Int] = [:]
    }

    let historyLength: Int
    let gossipLength: Int
    private var entries: [MessageID: Entry] = [:]
    /// Newest window first.
    private var windows: [[(id: MessageID, topic: String)]]

    init(historyLength: Int, gossipLength: Int) {
        precondition(historyLength >= gossipLength && gossipLength > 0)
        self.historyLength = historyLength
        self.gossipLength = gossipLength
        windows = [[]]
    }

    var count: Int { entries.count }

    mutating func put(_ id: MessageID, raw: [UInt8], topic: String) {
        guard entries[id] == nil else { return }
        entries[id] = Entry(raw: raw, topic: topic)
        windows[0].append((id, topic))
    }

    func contains(_ id: MessageID) -> Bool { entries[id] != nil }

    /// The message for an IWANT from `peer`, counting the retransmission; `nil` if unknown or asked too often.
    mutating func get(_ id: MessageID, for peer: PeerID, limit: Int) -> [UInt8]? {
        guard var entry = entries[id] else { return nil }
        let sent = entry.transmissions[peer, default: 0]
        guard sent < limit else { return nil }
        entry.transmissions[peer] = sent + 1
        entries[id] = entry
        return entry.raw
    }

    /// IDs to advertise for `topic`: the newest `gossipLength` windows.
    func gossipIDs(topic: String) -> [MessageID] {
        windows.prefix(gossipLength).flatMap { $0.lazy.filter { $0.topic == topic }.map(\.id) }
    }

    /// Starts a new window at each heartbeat, dropping the oldest beyond `historyLength`.
    mutating func shift() {
        if windows.count >= historyLength, let last = windows.popLast() {
            for (id, _) in last { entries[id] = nil }
        }
        windows.insert([], at: 0)
    }
}
