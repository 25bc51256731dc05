/// One Kademlia DHT message (`/ipfs/kad/1.0.0`), request or response; schema in `dht.proto`.
///
/// On a stream every message is length-prefixed, and a stream may carry several request/response pairs:
///
///     +--------------+------------------------------------------------------------+
///     | uvarint(len) | Message: type=1 (varint) key=2 (bytes) record=3 (Record)   |
///     |              |          closerPeers=8 (Peer)* providerPeers=9 (Peer)*     |
///     |              |          clusterLevelRaw=10 and unknown fields: skipped     |
///     +--------------+------------------------------------------------------------+
///     Peer   = id=1 (PeerID multihash) addrs=2 (binary multiaddr)* connection=3 (varint)
///     Record = key=1 value=2 timeReceived=5 (RFC 3339 string)
///
/// Decoding is lenient where peers are (py 0.8.1 adds `senderRecord=11` and `Peer.signedRecord=4`): unknown fields
/// are skipped, a peer whose id is not a PeerID is dropped, an address we cannot parse is dropped.
public struct KadMessage: Equatable, Sendable {
    public static let protocolID = "/ipfs/kad/1.0.0"
    /// Largest frame we read. py allows 4 MiB; our replies are a few KiB (20 peers, or a room's providers),
    /// and a PUT_VALUE is capped by `RecordStore.maxValueSize`, so 1 MiB leaves room without inviting abuse.
    public static let maxSize = 1 << 20
    /// Longest key we accept in a request (multihashes are 34 bytes; value keys like `/pk/<id>` are short).
    public static let maxKeySize = 512

    public enum MessageType: UInt64, Sendable {
        case putValue = 0, getValue = 1, addProvider = 2, getProviders = 3, findNode = 4, ping = 5
    }

    public var type: MessageType
    public var key: [UInt8]
    public var record: KadRecord?
    public var closerPeers: [KadPeer]
    public var providerPeers: [KadPeer]

    public init(type: MessageType, key: [UInt8] = [], record: KadRecord? = nil,
                closerPeers: [KadPeer] = [], providerPeers: [KadPeer] = []) {
        self.type = type
        self.key = key
        self.record = record
        self.closerPeers = closerPeers
        self.providerPeers = providerPeers
    }

    // MARK: Encoding

    /// The protobuf bytes (fields in number order, empty fields left out), without the length prefix.
    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        if type != .putValue { ProtoWire.appendVarintField(1, type.rawValue, to: &out) }
        if !key.isEmpty { ProtoWire.appendBytes(2, key, to: &out) }
        if let record { ProtoWire.appendBytes(3, record.encode(), to: &out) }
        for peer in closerPeers { ProtoWire.appendBytes(8, peer.encode(), to: &out) }
        for peer in providerPeers { ProtoWire.appendBytes(9, peer.encode(), to: &out) }
        return out
    }

    /// The message with its uvarint length prefix, ready for a stream.
    public func framed() -> [UInt8] { LengthPrefixed.frame(encode()) }

    // MARK: Decoding

    public init(decoding bytes: [UInt8]) throws {
        var type = MessageType.putValue
        var key: [UInt8] = []
        var record: KadRecord?
        var closer: [KadPeer] = []
        var providers: [KadPeer] = []
        try Self.scan(bytes, 0..<bytes.count) { number, value in
            switch (number, value) {
            case (1, .varint(let raw)):
                guard let t = MessageType(rawValue: raw) else { throw KadError.unknownMessageType(raw) }
                type = t
            case (2, .bytes(let r)):
                guard r.count <= Self.maxKeySize else { throw KadError.keyTooLarge(r.count) }
                key = Array(bytes[r])
            case (3, .bytes(let r)):
                record = try KadRecord(decoding: bytes, r)
            case (8, .bytes(let r)):
                if let peer = try KadPeer(decoding: bytes, r) { closer.append(peer) }
            case (9, .bytes(let r)):
                if let peer = try KadPeer(decoding: bytes, r) { providers.append(peer) }
            default:
                break
            }
        }
        self.init(type: type, key: key, record: record, closerPeers: closer, providerPeers: providers)
    }

    /// Calls `body` for every field in `range`, turning scanner errors into `KadError.malformed`.
    static func scan(_ bytes: [UInt8], _ range: Range<Int>,
                     _ body: (UInt64, ProtoWire.Value) throws -> Void) throws {
        var pos = range.lowerBound
        while pos < range.upperBound {
            let field: (number: UInt64, value: ProtoWire.Value)
            do { field = try ProtoWire.nextField(bytes, &pos, end: range.upperBound) } catch let e as ProtoWire.Error {
                throw KadError.malformed(e)
            }
            try body(field.number, field.value)
        }
    }
}

/// A peer in a DHT message: its id, the addresses it can be dialed on, and the sender's view of its connection.
public struct KadPeer: Equatable, Sendable {
    public enum Connection: UInt64, Sendable { case notConnected = 0, connected = 1, canConnect = 2, cannotConnect = 3 }

    public var id: PeerID
    public var addrs: [Multiaddr]
    public var connection: Connection

    public init(id: PeerID, addrs: [Multiaddr], connection: Connection = .notConnected) {
        self.id = id
        self.addrs = addrs
        self.connection = connection
    }

    func encode() -> [UInt8] {
        var out: [UInt8] = []
        ProtoWire.appendBytes(1, id.bytes, to: &out)
        for addr in addrs { ProtoWire.appendBytes(2, addr.bytes, to: &out) }
        if connection != .notConnected { ProtoWire.appendVarintField(3, connection.rawValue, to: &out) }
        return out
    }

    /// nil when the id is not a PeerID (the peer is dropped, the message kept).
    init?(decoding bytes: [UInt8], _ range: Range<Int>) throws {
        var id: PeerID?
        var addrs: [Multiaddr] = []
        var connection = Connection.notConnected
        try KadMessage.scan(bytes, range) { number, value in
            switch (number, value) {
            case (1, .bytes(let r)): id = try? PeerID(multihash: Array(bytes[r]))
            case (2, .bytes(let r)): if let a = try? Multiaddr(bytes: Array(bytes[r])) { addrs.append(a) }
            case (3, .varint(let raw)): connection = Connection(rawValue: raw) ?? .notConnected
            default: break
            }
        }
        guard let id else { return nil }
        self.init(id: id, addrs: addrs, connection: connection)
    }
}

/// A value record (PUT_VALUE / GET_VALUE).
public struct KadRecord: Equatable, Sendable {
    public var key: [UInt8]
    public var value: [UInt8]
    public var timeReceived: String

    public init(key: [UInt8], value: [UInt8], timeReceived: String = "") {
        self.key = key
        self.value = value
        self.timeReceived = timeReceived
    }

    func encode() -> [UInt8] {
        var out: [UInt8] = []
        if !key.isEmpty { ProtoWire.appendBytes(1, key, to: &out) }
        if !value.isEmpty { ProtoWire.appendBytes(2, value, to: &out) }
        if !timeReceived.isEmpty { ProtoWire.appendBytes(5, Array(timeReceived.utf8), to: &out) }
        return out
    }

    init(decoding bytes: [UInt8], _ range: Range<Int>) throws {
        var key: [UInt8] = [], value: [UInt8] = [], time = ""
        try KadMessage.scan(bytes, range) { number, field in
            switch (number, field) {
            case (1, .bytes(let r)): key = Array(bytes[r])
            case (2, .bytes(let r)): value = Array(bytes[r])
            case (5, .bytes(let r)): time = String(decoding: bytes[r], as: UTF8.self)
            default: break
            }
        }
        self.init(key: key, value: value, timeReceived: time)
    }
}
