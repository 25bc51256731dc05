/// A peer's own list of its addresses, signed with its key: an RFC 0003 peer record inside an RFC 0002 signed
/// envelope. Identify carries one (field 8), and GossipSub PX passes them along, so a peer learned from a third
/// party can be dialed on addresses that third party could not have forged.
///
///     Envelope    { PublicKey public_key = 1; bytes payload_type = 2; bytes payload = 3; bytes signature = 5; }
///     PeerRecord  { bytes peer_id = 1; uint64 seq = 2; repeated AddressInfo addresses = 3; }
///     AddressInfo { bytes multiaddr = 1; }
///
///     signature = sign( uvarint(18) "libp2p-peer-record" ‖ uvarint(2) 03 01 ‖ uvarint(len) payload )
///
/// `payload_type` is multicodec `libp2p-peer-record` (0x0301) as two raw bytes, as go, js and py write it.
/// Unknown fields are skipped; addresses of transports we cannot parse are left out, not an error.
public struct SignedPeerRecord: Equatable, Sendable {
    public static let domain = "libp2p-peer-record"
    public static let payloadType: [UInt8] = [0x03, 0x01]
    /// Largest envelope accepted (go's records are ~200–400 bytes; identify itself is capped at 64 KiB).
    public static let maxSize = 8 << 10
    /// Addresses kept from one record; the rest are ignored.
    public static let maxAddresses = 32

    public enum Error: Swift.Error, Equatable, Sendable {
        case tooLarge(size: Int, limit: Int)
        case malformed(ProtoWire.Error)
        case missingField(String)
        case unsupportedKey(KeyError)
        case unsupportedPayloadType([UInt8])
        case badSignature
        /// The record names a peer other than the key that signed it.
        case peerMismatch
    }

    /// The peer the record is about (the signer).
    public let peer: PeerID
    /// Newer records have larger numbers (go and py use the wall clock in nanoseconds).
    public let seq: UInt64
    public let addresses: [Multiaddr]
    /// The envelope exactly as signed, to pass along unchanged.
    public let envelope: [UInt8]

    /// Parses `bytes` and checks the signature and that the key is the record's peer.
    public init(verifying bytes: [UInt8]) throws(Error) {
        guard bytes.count <= Self.maxSize else { throw .tooLarge(size: bytes.count, limit: Self.maxSize) }
        var key: Range<Int>?, type: Range<Int>?, payload: Range<Int>?, signature: Range<Int>?
        try Self.fields(bytes, 0..<bytes.count) { (number, value) throws(Error) in
            guard case .bytes(let range) = value else { return }
            switch number {
            case 1: key = range
            case 2: type = range
            case 3: payload = range
            case 5: signature = range
            default: break
            }
        }
        guard let key else { throw .missingField("public_key") }
        guard let payload else { throw .missingField("payload") }
        guard let signature else { throw .missingField("signature") }
        let payloadType = type.map { Array(bytes[$0]) } ?? []
        guard payloadType == Self.payloadType else { throw .unsupportedPayloadType(payloadType) }
        let publicKey: PublicKey
        do { publicKey = try PublicKey(protobuf: Array(bytes[key])) } catch {
            throw .unsupportedKey(error as? KeyError ?? .malformedKeyEnvelope)
        }
        let payloadBytes = Array(bytes[payload])
        guard publicKey.verify(signature: Array(bytes[signature]), for: Self.signedBytes(payloadBytes)) else {
            throw .badSignature
        }
        let record = try Self.parseRecord(payloadBytes)
        guard record.peer == publicKey.peerID else { throw .peerMismatch }
        peer = record.peer
        seq = record.seq
        addresses = record.addresses
        envelope = bytes
    }

    /// Our own record: `addresses` signed with `key`, numbered `seq`.
    public init(addresses: [Multiaddr], seq: UInt64, key: PrivateKey) {
        peer = key.peerID
        self.seq = seq
        self.addresses = Array(addresses.map { $0.removingPeerID() }.prefix(Self.maxAddresses))
        var payload: [UInt8] = []
        ProtoWire.appendBytes(1, peer.bytes, to: &payload)
        ProtoWire.appendVarintField(2, seq, to: &payload)
        for address in self.addresses {
            var info: [UInt8] = []
            ProtoWire.appendBytes(1, address.bytes, to: &info)
            ProtoWire.appendBytes(3, info, to: &payload)
        }
        var out: [UInt8] = []
        ProtoWire.appendBytes(1, key.publicKey.protobuf, to: &out)
        ProtoWire.appendBytes(2, Self.payloadType, to: &out)
        ProtoWire.appendBytes(3, payload, to: &out)
        ProtoWire.appendBytes(5, key.sign(Self.signedBytes(payload)), to: &out)
        envelope = out
    }

    /// What the signature covers: the domain, the payload type and the payload, each length-prefixed.
    static func signedBytes(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for field in [Array(domain.utf8), payloadType, payload] {
            ProtoWire.appendVarint(UInt64(field.count), to: &out)
            out += field
        }
        return out
    }

    private static func parseRecord(_ bytes: [UInt8]) throws(Error) -> (peer: PeerID, seq: UInt64, addresses: [Multiaddr]) {
        var peerField: Range<Int>?, seq: UInt64 = 0, addresses: [Multiaddr] = []
        try fields(bytes, 0..<bytes.count) { (number, value) throws(Error) in
            switch (number, value) {
            case (1, .bytes(let range)): peerField = range
            case (2, .varint(let n)): seq = n
            case (3, .bytes(let range)) where addresses.count < maxAddresses:
                var address: Range<Int>?
                try fields(bytes, range) { (n, v) throws(Error) in if n == 1, case .bytes(let r) = v { address = r } }
                if let address, let parsed = try? Multiaddr(bytes: Array(bytes[address])) { addresses.append(parsed) }
            default: break
            }
        }
        guard let peerField, let peer = try? PeerID(multihash: Array(bytes[peerField])) else {
            throw .missingField("peer_id")
        }
        return (peer, seq, addresses)
    }

    /// Calls `body` for each field of the message in `range`.
    private static func fields(_ bytes: [UInt8], _ range: Range<Int>,
                               _ body: (UInt64, ProtoWire.Value) throws(Error) -> Void) throws(Error) {
        var pos = range.lowerBound
        while pos < range.upperBound {
            let field: (number: UInt64, value: ProtoWire.Value)
            do { field = try ProtoWire.nextField(bytes, &pos, end: range.upperBound) } catch {
                throw .malformed(error as? ProtoWire.Error ?? .truncated(at: pos))
            }
            try body(field.number, field.value)
        }
    }
}
