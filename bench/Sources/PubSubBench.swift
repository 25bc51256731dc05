import Foundation
import Network

/// (f) The pubsub engine's sustained rate: one `PubSub` (GossipSub, StrictSign) is fed uvarint-framed RPCs from a
/// fake mesh peer, each carrying signed messages with 200-byte `data`, and drained after every RPC — the work one
/// node does per message it relays: parse the RPC, look up the author's key, dedup against the seen-cache,
/// verify the Ed25519 signature, run the app validator, deliver, store in the message cache, and frame the
/// message for every other mesh peer. No sockets, no Noise, no yamux: the engine alone.
///
/// Time is simulated: the engine's `now` advances by `1 / simulatedRate` per message (heartbeats fire on that
/// clock), so the chat validator's per-author rate limit (10/s, burst 40) sees `authors` authors sending well
/// under it and accepts every message, as it would in a real room at that aggregate rate.
enum PubSubBench {
    static let topic = "p2p-chat-bench"
    static let dataBytes = 200
    /// Distinct authors (under `AuthorKeyCache.capacity`, 4096, so every key stays cached once seen).
    static let authors = 4000
    /// Simulated arrival rate, messages per second (the target): each author sends 5/s.
    static let simulatedRate = 20_000.0

    /// One signed message: its `data`, the signed bytes (for the bare verify ceiling) and the encoded `Message`.
    struct Signed {
        var author: Int
        var signedBytes: [UInt8]
        var signature: [UInt8]
        var message: [UInt8]
    }

    // MARK: protobuf by hand (the engine's encoder is internal)

    static func appendField(_ field: UInt64, _ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        Varint.encode(field << 3 | 2, into: &out)
        Varint.encode(UInt64(bytes.count), into: &out)
        out.append(contentsOf: bytes)
    }

    /// StrictSign: fields 1–4, signature over `"libp2p-pubsub:" || fields 1–4`, then field 5 (no key: Ed25519 inlines it).
    static func sign(_ key: PrivateKey, data: [UInt8], seqno: UInt64) -> (signed: [UInt8], signature: [UInt8], message: [UInt8]) {
        var body: [UInt8] = []
        appendField(1, key.peerID.bytes, to: &body)
        appendField(2, data, to: &body)
        appendField(3, (0..<8).map { UInt8(truncatingIfNeeded: seqno >> (56 - 8 * UInt64($0))) }, to: &body)
        appendField(4, Array(topic.utf8), to: &body)
        let signed = Array("libp2p-pubsub:".utf8) + body
        let signature = key.sign(signed)
        var message = body
        appendField(5, signature, to: &message)
        return (signed, signature, message)
    }

    /// `data` of exactly `dataBytes`: raw bytes, or a chat JSON payload padded to that size.
    static func payload(_ key: PrivateKey, _ i: Int, chat: Bool) -> [UInt8] {
        guard chat else { return (0..<dataBytes).map { UInt8(truncatingIfNeeded: $0 &+ i) } }
        let from = key.peerID.base58
        func encode(_ content: String) -> [UInt8] {
            ChatMessage(kind: .message, content: content, username: "user_\(i % 10_000)", timestamp: 1_795_573_709, from: from).encoded
        }
        let base = "m\(i) "
        let overhead = encode(base).count
        return encode(base + String(repeating: "x", count: max(0, dataBytes - overhead)))
    }

    /// `count` messages, round-robin over `authors` keys, seqnos increasing per author.
    static func makeMessages(count: Int, keys: [PrivateKey], chat: Bool) -> [Signed] {
        (0..<count).map { i in
            let a = i % keys.count
            let (signed, signature, message) = sign(keys[a], data: payload(keys[a], i, chat: chat), seqno: UInt64(i + 1))
            return Signed(author: a, signedBytes: signed, signature: signature, message: message)
        }
    }

    /// RPCs carrying `perRPC` messages each, uvarint-framed.
    static func frames(_ messages: ArraySlice<Signed>, perRPC: Int) -> [[UInt8]] {
        stride(from: messages.startIndex, to: messages.endIndex, by: perRPC).map { start in
            var rpc: [UInt8] = []
            for m in messages[start..<min(start + perRPC, messages.endIndex)] { appendField(2, m.message, to: &rpc) }
            return LengthPrefixed.frame(rpc)
        }
    }

    // MARK: the engine under test

    enum Validation { case acceptAll, chat, none }

    struct Setup {
        var fanout: Int
        var perRPC = 1
        var validation = Validation.acceptAll
        var verify = true
    }

    final class Rig {
        let engine: PubSub
        let source: PeerID
        var now: Instant
        var chat = ChatValidator()
        var sends = 0, sentBytes = 0, delivered = 0
        let step: Duration

        init(_ setup: Setup) throws {
            var params = GossipSubParams()
            // The source plus `fanout` forwarding targets fill the mesh; D_lo/D_hi leave it alone at heartbeats.
            params.d = setup.fanout + 1
            params.dLow = min(params.dLow, params.d)
            params.dHigh = max(params.dHigh, params.d)
            var config = PubSubConfig(router: .gossipsub(params))
            config.randomSeed = 1
            config.validateSignatures = setup.verify
            now = Instant(nanoseconds: 1_000_000_000)
            step = .nanoseconds(Int64(1e9 / simulatedRate))
            engine = PubSub(identity: try PrivateKey(seed: Sodium.sha256(Array("bench-local".utf8))), config: config,
                            seqnoStart: 1, now: now)
            engine.subscribe(topic, now: now)
            var subscribe: [UInt8] = []
            var opts: [UInt8] = []
            Varint.encode(1 << 3, into: &opts); opts.append(1)
            appendField(2, Array(topic.utf8), to: &opts)
            appendField(1, opts, to: &subscribe)
            let hello = LengthPrefixed.frame(subscribe)
            // Two more subscribed peers stay outside the mesh: they get IHAVE gossip at heartbeats.
            let peers = try (0..<(setup.fanout + 3)).map { try PrivateKey(seed: Sodium.sha256(Array("bench-peer\($0)".utf8))).peerID }
            source = peers[0]
            for peer in peers {
                engine.receive(hello, from: peer, now: now)
                engine.addPeer(peer, protocol: "/meshsub/1.1.0", now: now)
            }
            switch setup.validation {
            case .acceptAll: engine.validator = { _ in .accept }
            case .none: engine.validator = nil
            case .chat:
                engine.validator = { [unowned self] m in
                    switch self.chat.validate(m.data, author: m.from, isOwn: m.receivedFrom == nil, now: self.now) {
                    case .accept: return .accept
                    case .ignore: return .ignore
                    case .reject: return .reject
                    }
                }
            }
            drain()
            let meshSize = engine.mesh(topic).count
            guard meshSize == setup.fanout + 1, engine.mesh(topic).contains(source) else {
                throw BenchError("mesh has \(meshSize) peers, wanted the source + \(setup.fanout)")
            }
            sends = 0; sentBytes = 0; delivered = 0
        }

        func drain() {
            while let command = engine.pollCommand() {
                switch command {
                case .send(_, let frame): sends += 1; sentBytes += frame.count
                case .deliver: delivered += 1
                default: break
                }
            }
        }

        /// Feeds one RPC carrying `messages` messages, fires due timers, drains the output.
        @inline(__always)
        func feed(_ frame: [UInt8], messages: Int) {
            for _ in 0..<messages { now = now + step }
            if let deadline = engine.nextDeadline(), deadline <= now { engine.handleTimeout(now: now) }
            engine.receive(frame, from: source, now: now)
            drain()
        }
    }

    struct Row {
        var sample: Sample
        var messages: Int
        var delivered: Int
        var sendsPerMessage: Double
        var counters: PubSubCounters
    }

    /// One fresh engine: warm-up (every author twice, so its key is cached and its verify table built: the
    /// steady state of a room whose authors keep talking), then the measured messages.
    static func measure(_ setup: Setup, warmup: [[UInt8]], measured: [[UInt8]], messages: Int, repeatFrames: Bool = false) throws -> Row {
        let rig = try Rig(setup)
        for frame in warmup { rig.feed(frame, messages: setup.perRPC) }
        if repeatFrames { for frame in measured { rig.feed(frame, messages: setup.perRPC) } }
        rig.sends = 0; rig.delivered = 0
        let before = rig.engine.counters
        let watch = Stopwatch()
        for frame in measured { rig.feed(frame, messages: setup.perRPC) }
        let sample = Sample(units: Double(messages), wallSeconds: watch.wallSeconds, cpuSeconds: watch.cpuSeconds)
        var counters = rig.engine.counters
        counters.messagesReceived -= before.messagesReceived
        counters.duplicates -= before.duplicates
        counters.delivered -= before.delivered
        counters.ignored -= before.ignored
        counters.rejected -= before.rejected
        counters.invalidSignatures -= before.invalidSignatures
        // Each `.send` frame carries one RPC's messages (all of them go to every target): copies = frames × perRPC.
        return Row(sample: sample, messages: messages, delivered: rig.delivered,
                   sendsPerMessage: Double(rig.sends * setup.perRPC) / Double(messages), counters: counters)
    }

    static func run(seconds: Double) throws {
        let count = max(4_000, Int(seconds * 30_000))
        let keys = try (0..<authors).map { try PrivateKey(seed: Sodium.sha256(Array("bench-author\($0)".utf8))) }
        let genWatch = Stopwatch()
        let warm = 2 * authors
        let raw = makeMessages(count: warm + count, keys: keys, chat: false)
        let chat = makeMessages(count: warm + count, keys: keys, chat: true)
        let genSeconds = genWatch.cpuSeconds
        let rawWarm = frames(raw[..<warm], perRPC: 1), rawMeasured = frames(raw[warm...], perRPC: 1)
        let chatWarm = frames(chat[..<warm], perRPC: 1), chatMeasured = frames(chat[warm...], perRPC: 1)

        // The reference: libsodium's Ed25519 verify of the same signed bytes (different authors, like the engine
        // sees), and ours with per-author tables (`VerifyingKey`, what the engine uses), each table built before timing.
        let publicKeys = keys.map(\.publicKey)
        let verify = try bareVerify(raw[warm...], count: count) { publicKeys[$0.author].verify(signature: $0.signature, for: $0.signedBytes) }
        let tables = publicKeys.map { VerifyingKey($0) }
        let ours = try bareVerify(raw[warm...], count: count) { tables[$0.author].verify(signature: $0.signature, for: $0.signedBytes) }

        var table = Table("signed 200-byte messages from one mesh peer", "msgs", "msgs/s per CPU-s", "msgs/s wall",
                          "µs/msg (CPU)", "of libsodium verify", "copies sent per msg", "delivered")
        table.add("bare Ed25519 verify (libsodium)", fmt(Double(count), 0), fmt(verify.perCPUSecond, 0),
                  fmt(verify.perWallSecond, 0), fmt(1e6 / verify.perCPUSecond, 2), "100%", "", "")
        table.add("bare Ed25519 verify (ours, per-author tables)", fmt(Double(count), 0), fmt(ours.perCPUSecond, 0),
                  fmt(ours.perWallSecond, 0), fmt(1e6 / ours.perCPUSecond, 2), percent(ours.perCPUSecond, of: verify.perCPUSecond), "", "")
        func row(_ name: String, _ r: Row) {
            let target = name.hasPrefix("engine, ChatValidator, fan-out 6,") ? (r.sample.perCPUSecond >= 20_000 ? " ✓" : " ✗") : ""
            table.add(name, fmt(Double(r.messages), 0), fmt(r.sample.perCPUSecond, 0) + target, fmt(r.sample.perWallSecond, 0),
                      fmt(1e6 / r.sample.perCPUSecond, 2), percent(r.sample.perCPUSecond, of: verify.perCPUSecond),
                      fmt(r.sendsPerMessage, 1), percent(Double(r.delivered), of: Double(r.messages)))
        }
        var headline: Row?
        var failures: [String] = []
        func attempt(_ name: String, _ body: () throws -> Row) {
            do {
                let r = try body()
                row(name, r)
                if name.hasPrefix("engine, ChatValidator, fan-out 6,") { headline = r }
            } catch {
                table.add(name, "n/a", "n/a: \(error)")
                failures.append(name)
            }
        }
        attempt("engine, accept-all validator, fan-out 6, 1 msg/RPC") {
            try measure(Setup(fanout: 6), warmup: rawWarm, measured: rawMeasured, messages: count)
        }
        attempt("engine, ChatValidator, fan-out 6, 1 msg/RPC") {
            try measure(Setup(fanout: 6, validation: .chat), warmup: chatWarm, measured: chatMeasured, messages: count)
        }
        attempt("engine, accept-all, fan-out 12 (D_hi)") {
            try measure(Setup(fanout: 12), warmup: rawWarm, measured: rawMeasured, messages: count)
        }
        attempt("engine, accept-all, fan-out 6, 16 msgs/RPC") {
            try measure(Setup(fanout: 6, perRPC: 16), warmup: frames(raw[..<warm], perRPC: 16),
                        measured: frames(raw[warm...], perRPC: 16), messages: count)
        }
        attempt("engine, no signature check (pipeline alone), fan-out 6") {
            try measure(Setup(fanout: 6, verify: false), warmup: rawWarm, measured: rawMeasured, messages: count)
        }
        attempt("duplicates (already seen): dropped before verify") {
            try measure(Setup(fanout: 6), warmup: rawWarm, measured: rawMeasured, messages: count, repeatFrames: true)
        }
        table.print()
        print()
        print("Fresh engine per row (GossipSub, StrictSign on, seen-cache 120 s), mesh = the source + the fan-out,")
        print("2 more subscribed peers outside the mesh (IHAVE at heartbeats); \(fmt(Double(authors), 0)) authors, each seen")
        print("twice before timing (keys cached, verify tables built); engine time advances 50 µs per message (20,000 msgs/s, 5/s per author, under")
        print("the chat rate limit). Drained after every RPC. Message generation (signing): \(fmt(genSeconds, 1)) CPU-s.")
        print()
        try chatPathCosts(keys[0], seconds: seconds)
        if let headline {
            Results.pubsub = (headline.sample.perCPUSecond, headline.sample.perWallSecond, ours.perCPUSecond)
            if headline.delivered != headline.messages {
                print("WARNING: the chat row delivered \(headline.delivered) of \(headline.messages) " +
                      "(ignored \(headline.counters.ignored), rejected \(headline.counters.rejected))")
            }
        }
    }

    /// Verifies `messages` (all must pass) with `check`, timed.
    static func bareVerify(_ messages: ArraySlice<Signed>, count: Int, _ check: (Signed) -> Bool) throws -> Sample {
        var ok = 0
        let watch = Stopwatch()
        for m in messages where check(m) { ok += 1 }
        let sample = Sample(units: Double(count), wallSeconds: watch.wallSeconds, cpuSeconds: watch.cpuSeconds)
        guard ok == count else { throw BenchError("\(count - ok) of \(count) signatures failed to verify") }
        return sample
    }

    /// What the chat layer adds around the engine for one message, each step timed alone on one thread: the
    /// costs behind the publisher's and receiver's share of `bench/pubsub-latency.py`'s two-node latency.
    static func chatPathCosts(_ key: PrivateKey, seconds: Double) throws {
        let me = key.peerID
        let text = String(repeating: "x", count: 120)
        let message = ChatMessage(kind: .message, content: text, username: "user_1234", timestamp: 1_795_573_709, from: me.base58)
        let data = message.encoded
        let signed = Array("libp2p-pubsub:".utf8) + data
        let signature = key.sign(signed)
        let line = "  " + text + "  \n"
        var sink = 0
        var table = Table("one chat message (\(data.count)-byte JSON payload)", "µs each (CPU)", "per second", "where")
        table.textColumns = [0, 3]
        func measure(_ name: String, _ where_: String, _ body: () -> Int) {
            let sample = timed(atLeast: max(0.05, seconds / 10)) {
                for _ in 0..<200 { sink &+= body() }
                return 200
            }
            table.add(name, fmt(1e6 / sample.perCPUSecond, 2), fmt(sample.perCPUSecond, 0), where_)
        }
        measure("Foundation trimmingCharacters (for scale)", "not on the path: runLine trims itself (ASCII fast path)") {
            line.trimmingCharacters(in: .whitespacesAndNewlines).utf8.count
        }
        measure("PeerID.base58 (38-byte multihash)", "publisher 3×, receiver 2× (JSON from, ChatValidator, the event)") { me.base58.utf8.count }
        measure("ChatMessage.encoded (JSON bytes written directly)", "publisher") { message.encoded.count }
        measure("Ed25519 sign (libsodium)", "publisher (StrictSign)") { key.sign(signed).count }
        measure("Ed25519 verify (libsodium)", "receiver, authors whose key gets no table") {
            key.publicKey.verify(signature: signature, for: signed) ? 1 : 0
        }
        let verifier = VerifyingKey(key.publicKey)
        measure("Ed25519 verify (ours, the author's table built)", "receiver, every hop (what PubSub runs)") {
            verifier.verify(signature: signature, for: signed) ? 1 : 0
        }
        measure("ChatMessage.decode (JSONParser)", "publisher and receiver (ChatValidator)") {
            ((try? ChatMessage.decode(data)) ?? nil)?.content.utf8.count ?? 0
        }
        var validator = ChatValidator()
        measure("ChatValidator.validate (decode + base58 + limits)", "publisher (own: no rate limit) and receiver") {
            if case .accept = validator.validate(data, author: me, isOwn: true, now: .zero) { return 1 } else { return 0 }
        }
        let id = MessageID(bytes: me.bytes + [0, 0, 0, 0, 0, 0, 0, 1])
        measure("`message` event: JSON tree rendered (for scale)", "not on the path since JSONObjectWriter") {
            JSON.object([
                ("event", .string("message")), ("room", .string(topic)), ("type", .string("message")),
                ("from", .string(me.base58)), ("username", .string(message.username)),
                ("content", .string(message.content)), ("timestamp", .int(Int(message.timestamp))),
                ("id", .string(id.description)),
            ]).renderedBytes.count
        }
        measure("`message` event: JSONObjectWriter (HeadlessSession.messageEvent)", "publisher and receiver") {
            var w = JSONObjectWriter(capacity: message.content.utf8.count + 256)
            w.add("event", "message"); w.add("room", topic); w.add("type", "message")
            w.add("from", me.base58); w.add("username", message.username); w.add("content", message.content)
            w.add("timestamp", Int(message.timestamp)); w.add("id", hex: id.bytes)
            return w.finish().count
        }
        table.print()
        if sink == 42 { print("") }   // keeps the results alive
    }
}
