import Foundation
@testable import Network

/// Shared helpers for the pubsub tests: deterministic keys, engines, RPC encoding and decoding of output.
enum PubSubFixture {
    static let t0 = Instant(nanoseconds: 1_000_000_000)
    static let topic = "chat"

    static func key(_ name: String) -> PrivateKey { try! PrivateKey(seed: Sodium.sha256(Array(name.utf8))) }
    static func peer(_ name: String) -> PeerID { key(name).peerID }

    static func gossipConfig(seed: UInt64 = 1, _ edit: (inout GossipSubParams) -> Void = { _ in }) -> PubSubConfig {
        var params = GossipSubParams()
        edit(&params)
        var config = PubSubConfig(router: .gossipsub(params))
        config.randomSeed = seed
        return config
    }

    static func engine(_ name: String = "local", config: PubSubConfig = gossipConfig(), now: Instant = t0) -> PubSub {
        PubSub(identity: key(name), config: config, seqnoStart: 1, now: now)
    }

    static func drain(_ ps: PubSub) -> [PubSubCommand] {
        var out: [PubSubCommand] = []
        while let c = ps.pollCommand() { out.append(c) }
        return out
    }

    /// Every `.send` decoded as RPCs (each frame must be exactly one uvarint-framed RPC).
    static func sent(_ commands: [PubSubCommand]) -> [(peer: PeerID, rpc: RPC)] {
        commands.compactMap { command in
            guard case .send(let peer, let frame) = command else { return nil }
            var decoder = LengthPrefixedDecoder(maxFrameLength: 1 << 20)
            decoder.feed(frame)
            let body = try! decoder.next()!
            precondition(decoder.buffered.isEmpty, "a .send must carry exactly one frame")
            return (peer, try! RPC(serializedBytes: body))
        }
    }

    static func sent(to peer: PeerID, _ commands: [PubSubCommand]) -> [RPC] {
        sent(commands).filter { $0.peer == peer }.map(\.rpc)
    }

    static func delivered(_ commands: [PubSubCommand]) -> [InboundMessage] {
        commands.compactMap { if case .deliver(let m) = $0 { return m } else { return nil } }
    }

    static func frame(_ rpc: RPC) -> [UInt8] { LengthPrefixed.frame(try! rpc.serializedBytes() as [UInt8]) }

    static func subscribeRPC(_ topics: [String], subscribe: Bool = true) -> RPC {
        .with { rpc in rpc.subscriptions = topics.map { t in .with { $0.subscribe = subscribe; $0.topicid = t } } }
    }

    /// A correctly signed message by `author`.
    static func signed(_ author: String, _ text: String, seqno: UInt64, topic: String = topic) -> PubSubMessage {
        let k = key(author)
        let raw = StrictSign.encode(from: k.peerID, data: Array(text.utf8), seqno: seqno, topic: topic, signer: k)
        return try! PubSubMessage(serializedBytes: raw)
    }

    static func publishRPC(_ messages: [PubSubMessage]) -> RPC { .with { $0.publish = messages } }

    static func controlRPC(_ edit: (inout ControlMessage) -> Void) -> RPC {
        .with { rpc in var c = ControlMessage(); edit(&c); rpc.control = c }
    }

    static func messageID(_ m: PubSubMessage) -> MessageID { MessageID(bytes: [UInt8](m.from) + [UInt8](m.seqno)) }

    /// An engine subscribed to `topic` with `peers` connected over `protocolID`, each subscribed too; output drained.
    static func connected(_ ps: PubSub, peers: [PeerID], protocolID: String = GossipSubRouter.protocolV11,
                          topic: String = topic, subscribeLocal: Bool = true) {
        if subscribeLocal { ps.subscribe(topic, now: t0) }
        for p in peers {
            ps.receive(frame(subscribeRPC([topic])), from: p, now: t0)
            ps.addPeer(p, protocol: protocolID, now: t0)
        }
        _ = drain(ps)
    }

    static func names(_ prefix: String, _ n: Int) -> [PeerID] { (0..<n).map { peer("\(prefix)\($0)") } }
}
