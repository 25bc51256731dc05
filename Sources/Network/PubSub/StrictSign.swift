/// StrictSign (pubsub spec "Message Signing"): every message carries `from`, `seqno` and a `signature` (Ed25519 ours; others' Ed25519, secp256k1, or RSA and ECDSA with `key`)
/// over `"libp2p-pubsub:" || Marshal(Message without fields 5 and 6)`. Verification strips 5/6 from the
/// *received* bytes, so fields we don't know (or order differently) stay covered exactly as the author signed.
enum StrictSign {
    static let prefix = Array("libp2p-pubsub:".utf8)
    static let seqnoLength = 8

    /// Encodes and signs one message of ours: fields 1–4 in order (data always present, even empty, because
    /// py rebuilds the message to verify and would emit an empty `data`), then field 5. No `key` for Ed25519.
    static func encode(from: PeerID, data: [UInt8], seqno: UInt64, topic: String, signer: some Ed25519Signer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.count + from.bytes.count + data.count + topic.utf8.count + 96)
        out += prefix
        ProtoWire.appendBytes(1, from.bytes, to: &out)
        ProtoWire.appendBytes(2, data, to: &out)
        ProtoWire.appendBytes(3, seqnoBytes(seqno), to: &out)
        ProtoWire.appendBytes(4, topic.utf8, to: &out)
        StageTrace.mark(.signStart)
        let signature = signer.sign(out)
        StageTrace.mark(.signEnd)
        out.removeFirst(prefix.count)
        ProtoWire.appendBytes(5, signature, to: &out)
        return out
    }

    static func seqnoBytes(_ seqno: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: seqno >> (56 - 8 * UInt64($0))) }
    }

    /// Big-endian seqno of any length up to 8 bytes (py and go send 8).
    static func seqnoValue(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Checks a scanned message's signature; `keys` caches author keys by `from` bytes.
    /// Returns the verified author.
    /// `allowSlowVerify` is asked for an author whose PeerID is well formed and not Ed25519 (RSA ~0.3 ms,
    /// secp256k1 and ECDSA ~0.13 ms per verify, plus parsing a new author's key), before any of that work;
    /// when it says no, `slowVerifyBudgetExceeded` is thrown and nothing is checked.
    static func verify(_ m: ScannedMessage, in buf: [UInt8], keys: inout AuthorKeyCache,
                       allowSlowVerify: () -> Bool = { true }) throws -> PeerID {
        guard let fromRange = m.from, let sigRange = m.signature, m.seqno != nil else {
            throw PubSubError.missingSignatureFields
        }
        let from = buf[fromRange]
        if !from.starts(with: PeerID.ed25519Prefix), (try? PeerID(multihash: Array(from))) != nil, !allowSlowVerify() {
            throw PubSubError.slowVerifyBudgetExceeded
        }
        let (author, key) = try keys.key(from: from, keyField: m.key.map { buf[$0] })
        var signed: [UInt8] = prefix
        if let end = m.signedPrefixEnd {
            signed.append(contentsOf: buf[m.range.lowerBound..<end])
        } else {
            var pos = m.range.lowerBound
            while pos < m.range.upperBound {
                let start = pos
                let (number, _) = try ProtoWire.nextField(buf, &pos, end: m.range.upperBound)
                if number != 5 && number != 6 { signed.append(contentsOf: buf[start..<pos]) }
            }
        }
        StageTrace.mark(.verifyStart)
        defer { StageTrace.mark(.verifyEnd) }
        guard key.verify(signature: Array(buf[sigRange]), for: signed) else { throw PubSubError.invalidSignature }
        return author
    }
}

/// Author keys by `from` bytes, so a busy author's key is parsed once, not per message, and verifies with a
/// precomputed table (`VerifyingKey`, built on the author's second message, so a flood of one-message
/// identities costs no more than libsodium; libsodium for keys that get none).
///
/// At most `capacity` authors, evicted by CLOCK (second chance): a lookup marks its author used; a new author
/// that needs a slot sweeps the hand past used ones (clearing the mark) to the first unused one. So an author
/// who sent anything since the hand last passed keeps its table however many one-off authors pass by (they
/// enter unmarked and are the first to go), and all of a working set up to `capacity` stays — at O(1)
/// amortised per message, an approximate LRU.
/// Memory: at most `capacity` tables of `VerifyingKey.tableSize` (3,904 B) each, about 16 MB when full, the
/// price of verifying ~2× faster than libsodium (issue 3's 20,000 msgs/s).
struct AuthorKeyCache {
    static let capacity = 4096
    /// Messages an author's key verifies with libsodium before its table is built.
    static let precomputeAfter = 1
    typealias Entry = (PeerID, VerifyingKey)
    private var slots: [ArraySlice<UInt8>: Int] = [:]
    private var entries: [(from: ArraySlice<UInt8>, entry: Entry, used: Bool)] = []
    private var hand = 0

    /// Authors held.
    var count: Int { entries.count }

    mutating func key(from: ArraySlice<UInt8>, keyField: ArraySlice<UInt8>?) throws -> Entry {
        let cached = lookup(from)
        if keyField == nil, let cached { return cached }
        guard let peer = try? PeerID(multihash: Array(from)) else { throw PubSubError.invalidFrom }
        let key: PublicKey
        if let keyField {
            guard let k = try? PublicKey(protobuf: Array(keyField)), peer.matches(k) else { throw PubSubError.keyMismatch }
            key = k
        } else {
            guard let k = peer.publicKey else { throw PubSubError.invalidFrom }
            key = k
        }
        if let cached, cached.1.publicKey == key { return cached }
        let entry = (peer, VerifyingKey(key, precomputeAfter: Self.precomputeAfter))
        insert(ArraySlice(Array(from)), entry)
        return entry
    }

    private mutating func lookup(_ from: ArraySlice<UInt8>) -> Entry? {
        guard let i = slots[from] else { return nil }
        entries[i].used = true
        return entries[i].entry
    }

    private mutating func insert(_ from: ArraySlice<UInt8>, _ entry: Entry) {
        if let i = slots[from] {   // the same `from` with another key field: the new key replaces the old
            entries[i].entry = entry
            return
        }
        guard entries.count >= Self.capacity else {
            slots[from] = entries.count
            entries.append((from, entry, false))
            return
        }
        while entries[hand].used {
            entries[hand].used = false
            hand = (hand + 1) % entries.count
        }
        slots.removeValue(forKey: entries[hand].from)
        entries[hand] = (from, entry, false)
        slots[from] = hand
        hand = (hand + 1) % entries.count
    }
}
