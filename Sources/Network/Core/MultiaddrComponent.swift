/// One `/protocol/value` step of a `Multiaddr`.
///
/// Binary form of one component:
///
///     +-----------------+--------------------------------------------------+
///     | uvarint(code)   | value: nothing | fixed bytes | uvarint(len) bytes |
///     +-----------------+--------------------------------------------------+
///
/// Values: ip4 = 4 bytes, ip6 = 16 bytes, tcp/udp = u16 big-endian port, dns* = UTF-8 hostname,
/// p2p = binary multihash (text: base58 PeerID), certhash = binary multihash (text: multibase, emitted
/// as base64url `u…`). p2p-circuit, quic-v1, ws and tls carry no value.
public enum MultiaddrComponent: Hashable, Sendable, CustomStringConvertible {
    case ip4([UInt8])
    case ip6([UInt8])
    case tcp(UInt16)
    case udp(UInt16)
    case dns(String)
    case dns4(String)
    case dns6(String)
    case dnsaddr(String)
    case p2p(PeerID)
    case p2pCircuit
    case quicV1
    case ws
    case tls
    case certhash([UInt8])

    /// The longest hostname a dns* component may carry (RFC 1035 limit on a presentation name).
    public static let maxHostnameLength = 253

    public var protocolKind: MultiaddrProtocol {
        switch self {
        case .ip4: return .ip4
        case .ip6: return .ip6
        case .tcp: return .tcp
        case .udp: return .udp
        case .dns: return .dns
        case .dns4: return .dns4
        case .dns6: return .dns6
        case .dnsaddr: return .dnsaddr
        case .p2p: return .p2p
        case .p2pCircuit: return .p2pCircuit
        case .quicV1: return .quicV1
        case .ws: return .ws
        case .tls: return .tls
        case .certhash: return .certhash
        }
    }

    // MARK: - Binary

    /// The raw value bytes (without the code and without the length prefix of variable-size values).
    public var valueBytes: [UInt8] {
        switch self {
        case .ip4(let a), .ip6(let a): return a
        case .tcp(let port), .udp(let port): return [UInt8(port >> 8), UInt8(port & 0xff)]
        case .dns(let h), .dns4(let h), .dns6(let h), .dnsaddr(let h): return Array(h.utf8)
        case .p2p(let peer): return peer.bytes
        case .certhash(let hash): return hash
        case .p2pCircuit, .quicV1, .ws, .tls: return []
        }
    }

    /// Appends this component's binary form.
    public func encode(into out: inout [UInt8]) {
        let kind = protocolKind
        Varint.encode(kind.rawValue, into: &out)
        let value = valueBytes
        if kind.valueSize == .variable { Varint.encode(UInt64(value.count), into: &out) }
        out.append(contentsOf: value)
    }

    /// Decodes exactly one component; `trailingBytes` if `bytes` holds more than one.
    public init(bytes: [UInt8]) throws {
        let (component, length) = try Self.decode(bytes[...])
        guard length == bytes.count else { throw MultiaddrError.trailingBytes(count: bytes.count - length) }
        self = component
    }

    /// Decodes the component at the start of `bytes`, returning it and the number of bytes it used.
    static func decode(_ bytes: ArraySlice<UInt8>) throws -> (MultiaddrComponent, Int) {
        let (code, codeLength) = try readVarint(bytes)
        guard let kind = MultiaddrProtocol(rawValue: code) else { throw MultiaddrError.unknownProtocolCode(code) }
        var offset = bytes.startIndex + codeLength
        let valueLength: Int
        switch kind.valueSize {
        case .none: valueLength = 0
        case .fixed(let n): valueLength = n
        case .variable:
            let (n, lengthLength) = try readVarint(bytes[offset...])
            offset += lengthLength
            guard n <= UInt64(bytes.endIndex - offset) else { throw MultiaddrError.truncated }
            valueLength = Int(n)
        }
        guard bytes.endIndex - offset >= valueLength else { throw MultiaddrError.truncated }
        let value = Array(bytes[offset..<(offset + valueLength)])
        let component = try fromValue(kind, value)
        return (component, offset + valueLength - bytes.startIndex)
    }

    private static func readVarint(_ bytes: ArraySlice<UInt8>) throws -> (UInt64, Int) {
        let decoded: Varint.Decoded
        do { decoded = try Varint.decode(bytes) } catch let e as Varint.DecodeError {
            throw MultiaddrError.badVarint(e)
        }
        guard case .value(let v, let n) = decoded else { throw MultiaddrError.truncated }
        return (v, n)
    }

    /// Validates a binary value of the given protocol (sizes are already checked).
    private static func fromValue(_ kind: MultiaddrProtocol, _ value: [UInt8]) throws -> MultiaddrComponent {
        switch kind {
        case .ip4: return .ip4(value)
        case .ip6: return .ip6(value)
        case .tcp: return .tcp(UInt16(value[0]) << 8 | UInt16(value[1]))
        case .udp: return .udp(UInt16(value[0]) << 8 | UInt16(value[1]))
        case .dns, .dns4, .dns6, .dnsaddr:
            let host = String(decoding: value, as: UTF8.self)
            guard Array(host.utf8) == value else {
                throw MultiaddrError.invalidValue(protocol: kind.name, "hostname is not UTF-8")
            }
            return try hostComponent(kind, host)
        case .p2p:
            do { return .p2p(try PeerID(multihash: value)) } catch {
                throw MultiaddrError.invalidValue(protocol: kind.name, "not a PeerID multihash: \(value.hex)")
            }
        case .certhash:
            return .certhash(try validatedMultihash(value))
        case .p2pCircuit: return .p2pCircuit
        case .quicV1: return .quicV1
        case .ws: return .ws
        case .tls: return .tls
        }
    }

    // MARK: - Text

    /// Builds a component from its text protocol name and value (`nil` for value-less protocols).
    public init(protocol kind: MultiaddrProtocol, text value: String?) throws {
        if kind.valueSize == .none {
            switch kind {
            case .p2pCircuit: self = .p2pCircuit
            case .quicV1: self = .quicV1
            case .ws: self = .ws
            default: self = .tls
            }
            return
        }
        guard let value else { throw MultiaddrError.missingValue(protocol: kind.name) }
        func invalid(_ why: String) -> MultiaddrError { .invalidValue(protocol: kind.name, why) }
        switch kind {
        case .ip4:
            guard let a = IPAddressText.parseIPv4(value) else { throw invalid("bad IPv4 address \"\(value)\"") }
            self = .ip4(a)
        case .ip6:
            guard let a = IPAddressText.parseIPv6(value) else { throw invalid("bad IPv6 address \"\(value)\"") }
            self = .ip6(a)
        case .tcp, .udp:
            guard !value.isEmpty, value.utf8.count <= 5, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let n = Int(value), n <= Int(UInt16.max)
            else { throw invalid("bad port \"\(value)\"") }
            self = kind == .tcp ? .tcp(UInt16(n)) : .udp(UInt16(n))
        case .dns, .dns4, .dns6, .dnsaddr:
            self = try Self.hostComponent(kind, value)
        case .p2p:
            do { self = .p2p(try PeerID(value)) } catch { throw invalid("bad PeerID \"\(value)\"") }
        case .certhash:
            guard let raw = Multibase.decode(value) else { throw invalid("bad multibase \"\(value)\"") }
            self = .certhash(try Self.validatedMultihash(raw))
        case .p2pCircuit, .quicV1, .ws, .tls:
            preconditionFailure("value-less protocols are handled above")
        }
    }

    /// The value as it appears in text, `nil` for value-less protocols.
    public var textValue: String? {
        switch self {
        case .ip4(let a): return IPAddressText.formatIPv4(a)
        case .ip6(let a): return IPAddressText.formatIPv6(a)
        case .tcp(let p), .udp(let p): return String(p)
        case .dns(let h), .dns4(let h), .dns6(let h), .dnsaddr(let h): return h
        case .p2p(let peer): return peer.base58
        case .certhash(let hash): return Multibase.encodeBase64URL(hash)
        case .p2pCircuit, .quicV1, .ws, .tls: return nil
        }
    }

    /// `/name` or `/name/value`.
    public var description: String {
        let name = "/" + protocolKind.name
        guard let value = textValue else { return name }
        return name + "/" + value
    }

    // MARK: - Validation helpers

    private static func hostComponent(_ kind: MultiaddrProtocol, _ host: String) throws -> MultiaddrComponent {
        guard !host.isEmpty, host.utf8.count <= maxHostnameLength, !host.utf8.contains(UInt8(ascii: "/")) else {
            throw MultiaddrError.invalidValue(protocol: kind.name, "bad hostname \"\(host)\"")
        }
        switch kind {
        case .dns: return .dns(host)
        case .dns4: return .dns4(host)
        case .dns6: return .dns6(host)
        default: return .dnsaddr(host)
        }
    }

    /// A certhash value must be a well-formed multihash: uvarint(code) uvarint(len) digest.
    private static func validatedMultihash(_ raw: [UInt8]) throws -> [UInt8] {
        let bad = MultiaddrError.invalidValue(protocol: MultiaddrProtocol.certhash.name, "not a multihash: \(raw.hex)")
        guard case .value(_, let codeLength)? = try? Varint.decode(raw),
              case .value(let digestLength, let lengthLength)? = try? Varint.decode(raw[codeLength...]),
              UInt64(raw.count - codeLength - lengthLength) == digestLength
        else { throw bad }
        return raw
    }
}
