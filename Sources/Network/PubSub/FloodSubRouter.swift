/// FloodSub (`/floodsub/1.0.0`): every message goes to every peer subscribed to its topic, except the peer
/// it came from and its author. No control messages, no state beyond the engine's. The reference router.
final class FloodSubRouter: PubSubRouter {
    static let protocolID = "/floodsub/1.0.0"
    private weak var context: PubSubRouterContext?

    var protocols: [String] { [Self.protocolID] }

    func attach(_ context: PubSubRouterContext, now: Instant) { self.context = context }
    func addPeer(_ peer: PeerID, protocol: String, now: Instant) {}
    func removePeer(_ peer: PeerID, now: Instant) {}
    func peerSubscribed(_ peer: PeerID, to topic: String, now: Instant) {}
    func peerUnsubscribed(_ peer: PeerID, from topic: String, now: Instant) {}
    func join(_ topic: String, now: Instant) {}
    func leave(_ topic: String, now: Instant) {}
    func acceptsRPC(from peer: PeerID) -> Bool { true }
    func handleControl(_ control: ControlMessage, from peer: PeerID, now: Instant) {}
    func penalize(_ peer: PeerID, _ penalty: RouterPenalty) {}
    func score(_ peer: PeerID) -> Double { 0 }
    func mesh(_ topic: String) -> Set<PeerID> { [] }
    func nextDeadline() -> Instant? { nil }
    func handleTimeout(now: Instant) {}

    func route(_ message: RoutedMessage, now: Instant) {
        guard let context else { return }
        for peer in context.peers(in: message.topic) where peer != message.source && peer != message.author {
            context.send(message: message.raw, to: peer)
        }
    }
}
