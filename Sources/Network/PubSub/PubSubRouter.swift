/// The one small interface between the engine (peers, subscriptions, validation, seen-cache) and a router
/// (who gets which message, plus any control protocol). FloodSub is the trivial reference; GossipSub the real one.
/// Routers never do I/O: they queue work through their `PubSubRouterContext`.
protocol PubSubRouter: AnyObject {
    /// Protocol IDs this router speaks, preferred first.
    var protocols: [String] { get }
    func attach(_ context: PubSubRouterContext, now: Instant)

    /// Our outbound stream to `peer` negotiated `protocol` (engine then reports the peer's known subscriptions).
    func addPeer(_ peer: PeerID, protocol: String, now: Instant)
    func removePeer(_ peer: PeerID, now: Instant)
    func peerSubscribed(_ peer: PeerID, to topic: String, now: Instant)
    func peerUnsubscribed(_ peer: PeerID, from topic: String, now: Instant)

    /// We subscribed to / unsubscribed from a topic.
    func join(_ topic: String, now: Instant)
    func leave(_ topic: String, now: Instant)

    /// False for graylisted peers: the engine drops their RPCs unread.
    func acceptsRPC(from peer: PeerID) -> Bool
    func handleControl(_ control: ControlMessage, from peer: PeerID, now: Instant)
    /// A validated message (ours when `source == nil`) to pass on.
    func route(_ message: RoutedMessage, now: Instant)
    func penalize(_ peer: PeerID, _ penalty: RouterPenalty)

    func score(_ peer: PeerID) -> Double
    func mesh(_ topic: String) -> Set<PeerID>
    func nextDeadline() -> Instant?
    func handleTimeout(now: Instant)
}

/// A validated message on its way out.
struct RoutedMessage {
    let id: MessageID
    let topic: String
    /// The encoded `Message`, exactly as received (or as we signed it).
    let raw: [UInt8]
    let author: PeerID
    /// The peer it came from; `nil` for our own publishes.
    let source: PeerID?
}

enum RouterPenalty {
    /// P4: a message that failed signature or app validation.
    case invalidMessage
    /// P7: protocol abuse (GRAFT during backoff, malformed RPCs, excess subscriptions, IHAVE floods).
    case misbehaviour
}

/// What a router may ask of the engine.
protocol PubSubRouterContext: AnyObject {
    var localPeer: PeerID { get }
    /// Peers (with an outbound stream) that told us they subscribe to `topic`.
    func peers(in topic: String) -> Set<PeerID>
    /// Every peer that told us it subscribes to `topic`, with an outbound stream or not (no copy is made).
    func subscribers(of topic: String) -> Set<PeerID>
    func isSubscribed(_ topic: String) -> Bool
    func hasSeen(_ id: MessageID, now: Instant) -> Bool
    func send(message raw: [UInt8], to peer: PeerID)
    func send(control update: (inout ControlMessage) -> Void, to peer: PeerID)
    func requestConnect(_ peer: PeerID, record: [UInt8]?)
    /// The signed peer record `peer` gave us (identify), to pass along in PX; nil when we have none.
    func peerRecord(of peer: PeerID) -> [UInt8]?
    func isConnected(_ peer: PeerID) -> Bool
    var counters: PubSubCounters { get set }
}
