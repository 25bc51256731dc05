/// One AutoNAT v1 message (`/libp2p/autonat/1.0.0`, libp2p/specs autonat/autonat-v1.md), sent as a
/// uvarint-length-prefixed protobuf, one request and one response per stream:
///
///     Message      { 1: type (DIAL = 0 | DIAL_RESPONSE = 1)   2: Dial   3: DialResponse }
///     Dial         { 1: PeerInfo { 1: id (bytes)   2: addrs (repeated bytes: binary multiaddrs) } }
///     DialResponse { 1: status (OK = 0 | E_DIAL_ERROR = 100 | E_DIAL_REFUSED = 101 | E_BAD_REQUEST = 200
///                               | E_INTERNAL_ERROR = 300)
///                    2: statusText (string)   3: addr (bytes: the address that was reached) }
///
/// Unknown fields are skipped; addresses we cannot parse are dropped by their reader, not here.
public enum AutoNATMessage: Equatable, Sendable {
    /// "Dial me back": the asker's PeerID (multihash bytes) and the addresses to try.
    case dial(peer: [UInt8], addresses: [[UInt8]])
    case dialResponse(AutoNATResponse)

    /// Longest message read (go-libp2p's limit too); ours are a few hundred bytes.
    public static let maxLength = 4096

    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .dial(let peer, let addresses):
            var info: [UInt8] = []
            ProtoWire.appendBytes(1, peer, to: &info)
            for address in addresses { ProtoWire.appendBytes(2, address, to: &info) }
            var dial: [UInt8] = []
            ProtoWire.appendBytes(1, info, to: &dial)
            ProtoWire.appendVarintField(1, 0, to: &out)
            ProtoWire.appendBytes(2, dial, to: &out)
        case .dialResponse(let response):
            var body: [UInt8] = []
            ProtoWire.appendVarintField(1, UInt64(response.status.rawValue), to: &body)
            if let text = response.text { ProtoWire.appendBytes(2, Array(text.utf8), to: &body) }
            if let address = response.address { ProtoWire.appendBytes(3, address, to: &body) }
            ProtoWire.appendVarintField(1, 1, to: &out)
            ProtoWire.appendBytes(3, body, to: &out)
        }
        return out
    }

    public init(decoding buf: [UInt8]) throws {
        var type: UInt64?
        var dial: Range<Int>?
        var response: Range<Int>?
        try Self.fields(buf, 0..<buf.count) { number, value in
            switch (number, value) {
            case (1, .varint(let v)): type = v
            case (2, .bytes(let r)): dial = r
            case (3, .bytes(let r)): response = r
            default: break
            }
        }
        switch type {
        case 0?:
            guard let dial else { throw AutoNATError.malformed("DIAL without dial") }
            var info: Range<Int>?
            try Self.fields(buf, dial) { number, value in if number == 1, case .bytes(let r) = value { info = r } }
            guard let info else { throw AutoNATError.malformed("DIAL without peer") }
            var peer: [UInt8]?
            var addresses: [[UInt8]] = []
            try Self.fields(buf, info) { number, value in
                guard case .bytes(let r) = value else { return }
                if number == 1 { peer = Array(buf[r]) } else if number == 2 { addresses.append(Array(buf[r])) }
            }
            guard let peer else { throw AutoNATError.malformed("DIAL without peer id") }
            self = .dial(peer: peer, addresses: addresses)
        case 1?:
            guard let response else { throw AutoNATError.malformed("DIAL_RESPONSE without dialResponse") }
            var status: UInt64?
            var text: String?
            var address: [UInt8]?
            try Self.fields(buf, response) { number, value in
                switch (number, value) {
                case (1, .varint(let v)): status = v
                case (2, .bytes(let r)): text = String(decoding: buf[r], as: UTF8.self)
                case (3, .bytes(let r)): address = Array(buf[r])
                default: break
                }
            }
            guard let status, let known = AutoNATStatus(rawValue: Int(clamping: status)) else {
                throw AutoNATError.malformed("unknown response status \(status.map(String.init) ?? "none")")
            }
            self = .dialResponse(AutoNATResponse(status: known, text: text, address: address))
        default:
            throw AutoNATError.malformed("unknown message type \(type.map(String.init) ?? "none")")
        }
    }

    private static func fields(_ buf: [UInt8], _ range: Range<Int>, _ body: (UInt64, ProtoWire.Value) throws -> Void) throws {
        var pos = range.lowerBound
        do {
            while pos < range.upperBound {
                let (number, value) = try ProtoWire.nextField(buf, &pos, end: range.upperBound)
                try body(number, value)
            }
        } catch let e as ProtoWire.Error { throw AutoNATError.malformed("\(e)") }
    }
}

/// A DIAL_RESPONSE.
public struct AutoNATResponse: Equatable, Sendable {
    public var status: AutoNATStatus
    public var text: String?
    /// On OK, the address that was reached (binary multiaddr).
    public var address: [UInt8]?

    public init(status: AutoNATStatus, text: String? = nil, address: [UInt8]? = nil) {
        self.status = status
        self.text = text
        self.address = address
    }
}

/// The status codes of a DIAL_RESPONSE.
public enum AutoNATStatus: Int, Sendable {
    case ok = 0
    case dialError = 100
    case dialRefused = 101
    case badRequest = 200
    case internalError = 300
}

/// What went wrong in an AutoNAT exchange.
public enum AutoNATError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case frame(LengthPrefixed.DecodeError)
    case unexpectedMessage
    case streamClosed
    case timedOut

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed AutoNAT message: \(why)"
        case .frame(let e): return "bad AutoNAT frame: \(e)"
        case .unexpectedMessage: return "unexpected AutoNAT message"
        case .streamClosed: return "AutoNAT stream closed before the answer"
        case .timedOut: return "AutoNAT request timed out"
        }
    }
}
