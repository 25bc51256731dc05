import SwiftProtobuf

/// A pubsub message scanned out of an RPC frame: byte ranges into that frame, nothing copied yet.
///
///     Message {            (proto2, go pb/rpc.proto)
///       1 from       bytes   PeerID multihash of the author
///       2 data       bytes
///       3 seqno      bytes   8 bytes big-endian
///       4 topic      string  (py: repeated topicIDs; we take the first)
///       5 signature  bytes   Ed25519 over "libp2p-pubsub:" || message without 5 and 6
///       6 key        bytes   PublicKey protobuf; only needed when `from` can't inline the key
///     }
struct ScannedMessage {
    var range: Range<Int>
    var from: Range<Int>? = nil
    var data: Range<Int>? = nil
    var seqno: Range<Int>? = nil
    var topics: [Range<Int>] = []
    var signature: Range<Int>? = nil
    var key: Range<Int>? = nil
    /// End of the signed bytes when fields 5/6 only trail the message (the usual case: no copy to verify).
    var signedPrefixEnd: Int? = nil

    init(_ buf: [UInt8], _ range: Range<Int>) throws {
        self.range = range
        var pos = range.lowerBound
        var firstStripped: Int? = nil
        var keptAfterStripped = false
        while pos < range.upperBound {
            let fieldStart = pos
            let (number, value) = try ProtoWire.nextField(buf, &pos, end: range.upperBound)
            switch (number, value) {
            case (1, .bytes(let r)): from = r
            case (2, .bytes(let r)): data = r
            case (3, .bytes(let r)): seqno = r
            case (4, .bytes(let r)): topics.append(r)
            case (5, .bytes(let r)): signature = r
            case (6, .bytes(let r)): key = r
            default: break
            }
            if number == 5 || number == 6 {
                if firstStripped == nil { firstStripped = fieldStart }
            } else if firstStripped != nil {
                keptAfterStripped = true
            }
        }
        signedPrefixEnd = keptAfterStripped ? nil : (firstStripped ?? range.upperBound)
    }
}

/// One decoded RPC.
///
///     RPC {
///       1 subscriptions  repeated SubOpts { 1 subscribe bool; 2 topicid string }
///       2 publish        repeated Message
///       3 control        ControlMessage { 1 ihave; 2 iwant; 3 graft; 4 prune; 5 idontwant; … }
///       (py adds 4 senderRecord; every unknown field is skipped)
///     }
struct DecodedRPC {
    var subscriptions: [(subscribe: Bool, topic: String)] = []
    var messages: [ScannedMessage] = []
    var control: ControlMessage? = nil

    init(_ frame: [UInt8]) throws {
        var pos = 0
        let end = frame.count
        while pos < end {
            let (number, value) = try ProtoWire.nextField(frame, &pos, end: end)
            guard case .bytes(let r) = value else { continue }
            switch number {
            case 1: subscriptions.append(try Self.subOpts(frame, r))
            case 2: messages.append(try ScannedMessage(frame, r))
            case 3:
                do { control = try ControlMessage(serializedBytes: Array(frame[r])) } catch {
                    throw PubSubError.malformedControl
                }
            default: break
            }
        }
    }

    private static func subOpts(_ buf: [UInt8], _ range: Range<Int>) throws -> (subscribe: Bool, topic: String) {
        var pos = range.lowerBound
        var subscribe = false
        var topic = ""
        while pos < range.upperBound {
            let (number, value) = try ProtoWire.nextField(buf, &pos, end: range.upperBound)
            switch (number, value) {
            case (1, .varint(let v)): subscribe = v != 0
            case (2, .bytes(let r)): topic = String(decoding: buf[r], as: UTF8.self)
            default: break
            }
        }
        return (subscribe, topic)
    }
}

/// What we are about to send one peer; the engine batches router output per peer and frames it on poll.
struct OutgoingRPC {
    var subscriptions: [(subscribe: Bool, topic: String)] = []
    /// Whole encoded `Message`s (received bytes are forwarded as they came, never re-encoded).
    var messages: [[UInt8]] = []
    var control = ControlMessage()
    var hasControl = false

    var isEmpty: Bool { subscriptions.isEmpty && messages.isEmpty && !hasControl }

    /// Encodes as uvarint-framed RPCs, each at most `maxSize` bytes where the parts allow it. Each part is
    /// copied once, straight into its frame.
    func frames(maxSize: Int) -> [[UInt8]] {
        var parts: [(field: UInt64, bytes: [UInt8])] = subscriptions.map { sub in
            var opts: [UInt8] = []
            ProtoWire.appendVarintField(1, sub.subscribe ? 1 : 0, to: &opts)
            ProtoWire.appendBytes(2, Array(sub.topic.utf8), to: &opts)
            return (1, opts)
        }
        parts += messages.map { (2, $0) }
        if hasControl, let encoded = try? control.serializedBytes() as [UInt8] { parts.append((3, encoded)) }
        var frames: [[UInt8]] = []
        var start = 0
        while start < parts.count || frames.isEmpty {
            var end = start
            var size = 0
            while end < parts.count {
                let next = ProtoWire.bytesFieldSize(parts[end].bytes.count)
                if end > start && size + next + Varint.maxBytes > maxSize { break }
                size += next
                end += 1
            }
            var frame: [UInt8] = []
            frame.reserveCapacity(size + Varint.maxBytes)
            Varint.encode(UInt64(size), into: &frame)
            for part in parts[start..<end] { ProtoWire.appendBytes(part.field, part.bytes, to: &frame) }
            frames.append(frame)
            start = end
        }
        return frames
    }
}
