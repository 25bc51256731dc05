/// A basic GossipSub v1.1 peer score: P4 invalid messages and P7 behaviour penalty (both squared, weighted
/// negative), decaying each heartbeat. Scores outlive a disconnect so a graylisted peer can't reset by reconnecting.
struct PeerScore {
    let params: PeerScoreParams
    private var invalid: [PeerID: Double] = [:]
    private var behaviour: [PeerID: Double] = [:]

    init(params: PeerScoreParams) { self.params = params }

    func score(_ peer: PeerID) -> Double {
        let p4 = invalid[peer] ?? 0
        let p7 = behaviour[peer] ?? 0
        return p4 * p4 * params.invalidMessageWeight + p7 * p7 * params.behaviourPenaltyWeight
    }

    mutating func invalidMessage(_ peer: PeerID) { invalid[peer, default: 0] += 1 }
    mutating func behaviourPenalty(_ peer: PeerID, count: Double = 1) { behaviour[peer, default: 0] += count }

    mutating func decay() {
        func decayed(_ table: [PeerID: Double]) -> [PeerID: Double] {
            table.compactMapValues { v in
                let d = v * params.decay
                return d < params.decayToZero ? nil : d
            }
        }
        invalid = decayed(invalid)
        behaviour = decayed(behaviour)
    }
}
