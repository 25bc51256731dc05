/// Engine-wide settings. Limits are named here so tests and the Host can see them.
public struct PubSubConfig: Sendable {
    /// Which router moves messages between peers.
    public enum RouterKind: Sendable {
        case floodsub
        case gossipsub(GossipSubParams)
    }

    public var router: RouterKind = .gossipsub(GossipSubParams())
    /// How long a message ID stays in the seen-cache (duplicates within it are dropped).
    public var seenTTL: Duration = .seconds(120)
    /// Largest inbound or outbound RPC frame (go `DefaultMaxMessageSize`, py `rpc_queue.py`).
    public var maxRPCSize = 1 << 20
    /// Largest `data` we publish; leaves room for the envelope inside one RPC.
    public var maxMessageSize = (1 << 20) - 4096
    /// Signatures that are not Ed25519 (RSA ~0.3 ms, secp256k1 and ECDSA P-256 ~0.13 ms each, against ~0.02)
    /// checked per second: per relaying peer, and in all. Over either budget a message is dropped unchecked,
    /// without penalty (a later copy may be checked). Ed25519 has no budget: the author rate limit and scoring
    /// cover it.
    public var slowVerifyRatePerPeer = 20.0
    public var slowVerifyBurstPerPeer = 50.0
    public var slowVerifyRate = 100.0
    public var slowVerifyBurst = 200.0
    /// Topics tracked per peer; further subscriptions are ignored and penalised.
    public var maxTopicsPerPeer = 100
    /// Longest topic name we track or accept a message for.
    public var maxTopicLength = 1024
    /// StrictSign: sign our messages and verify every received one.
    public var validateSignatures = true
    /// Seeds the router's peer selection (deterministic simulations); `nil` = random.
    public var randomSeed: UInt64? = nil

    public init(router: RouterKind = .gossipsub(GossipSubParams())) { self.router = router }
}

/// GossipSub v1.1 parameters (defaults: go-libp2p-pubsub `gossipsub.go`, PROTOCOLS.md §7).
public struct GossipSubParams: Sendable {
    public var d = 6
    public var dLow = 5
    public var dHigh = 12
    public var dLazy = 6
    public var dOut = 2
    public var heartbeatInterval: Duration = .seconds(1)
    public var heartbeatInitialDelay: Duration = .milliseconds(100)
    public var fanoutTTL: Duration = .seconds(60)
    public var historyLength = 5
    public var historyGossip = 3
    public var gossipFactor = 0.25
    public var pruneBackoff: Duration = .seconds(60)
    public var unsubscribeBackoff: Duration = .seconds(10)
    /// Extra wait after a backoff expires before we GRAFT again (go: 2 heartbeats of slack).
    public var backoffSlack: Duration = .seconds(2)
    public var pxPeers = 16
    /// Accept PX only from peers whose score is at least this.
    public var acceptPXThreshold = 0.0
    public var floodPublish = true
    public var gossipRetransmission = 3
    public var maxIHaveLength = 5000
    public var maxIHaveMessages = 10
    /// IDONTWANT is sent only for messages at least this large (go: 1 KiB).
    public var idontwantMessageSizeThreshold = 1024
    public var maxIDontWantMessages = 1000
    public var score = PeerScoreParams()

    public init() {}
}

/// A basic peer score: P4 (invalid messages) and P7 (behaviour penalty), both squared, decaying each heartbeat.
///
/// Tuned to forgive a little: a chat relay cannot run our chat rules, and one stray invalid message must not
/// cut it off (py-libp2p does not flood-publish, so a pruned peer's messages are lost until its backoff ends).
/// With weight −1 and squared counters, 3 invalid messages give −9 (still meshed), 4 give −16 (pruned,
/// no gossip), 9 give −81 (graylisted); everything decays by `decay` per heartbeat.
public struct PeerScoreParams: Sendable {
    public var invalidMessageWeight = -1.0
    public var behaviourPenaltyWeight = -1.0
    /// Multiplied into both counters every heartbeat; counters under `decayToZero` become 0.
    public var decay = 0.9
    public var decayToZero = 0.01
    /// Below this a peer is pruned from our meshes and its GRAFTs are refused.
    public var meshThreshold = -10.0
    /// Below this we neither send nor accept gossip (IHAVE/IWANT).
    public var gossipThreshold = -10.0
    /// Below this we don't flood-publish to the peer.
    public var publishThreshold = -50.0
    /// Below this every RPC from the peer is ignored.
    public var graylistThreshold = -80.0

    public init() {}
}

extension PubSubConfig {
    /// The GossipSub parameters, when that is the router.
    public var gossipParams: GossipSubParams? {
        if case .gossipsub(let p) = router { return p } else { return nil }
    }
}
