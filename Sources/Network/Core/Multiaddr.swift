/// Errors from parsing a multiaddr in either form.
public enum MultiaddrError: Error, Equatable, Sendable {
    case emptyAddress                                  // "", "/" or zero bytes
    case unknownProtocol(String)                       // text name we don't know
    case unknownProtocolCode(UInt64)                   // binary code we don't know
    case missingValue(protocol: String)                // "/ip4" with nothing after it
    case invalidValue(protocol: String, String)        // "/tcp/70000", "/ip4/1.2.3", a bad PeerID, …
    case notAbsolute(String)                           // text that does not begin with "/"
    case truncated                                     // binary ends inside a code, a length or a value
    case badVarint(Varint.DecodeError)                 // a non-minimal or over-long code or length
    case trailingBytes(count: Int)                     // `MultiaddrComponent(bytes:)` given more than one component
}

/// A self-describing network address (multiformats/multiaddr), e.g. `/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…`.
///
/// Text form: `/name/value/name/value…` (value-less protocols have no value segment; `/ipfs/` is read as `/p2p/`;
/// one trailing `/` is tolerated). Binary form: the concatenation of each component's binary form:
///
///     /ip4/192.0.2.42/tcp/443
///     +----+-------------+----+-------+
///     | 04 | c0 00 02 2a | 06 | 01 bb |
///     +----+-------------+----+-------+
///     code   4-byte addr  code  u16 BE port
///
/// Both forms are canonical once parsed: `description` and `bytes` are derived from `components`, so
/// text → Multiaddr → text normalises (e.g. ip6 is printed RFC 5952-compressed, PeerIDs as base58).
public struct Multiaddr: Hashable, Sendable, CustomStringConvertible {
    public private(set) var components: [MultiaddrComponent]

    /// Wraps components as they are (an empty list is allowed here, for building addresses up).
    public init(components: [MultiaddrComponent]) { self.components = components }

    /// Parses the text form.
    public init(_ text: String) throws {
        guard !text.isEmpty else { throw MultiaddrError.emptyAddress }
        guard text.hasPrefix("/") else { throw MultiaddrError.notAbsolute(text) }
        var segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.last == "" { segments = segments.dropLast() }
        guard !segments.isEmpty else { throw MultiaddrError.emptyAddress }
        var parsed: [MultiaddrComponent] = []
        var iterator = segments.makeIterator()
        while let name = iterator.next() {
            guard let kind = MultiaddrProtocol(name: String(name)) else {
                throw MultiaddrError.unknownProtocol(String(name))
            }
            var value: String?
            if kind.valueSize != .none {
                guard let next = iterator.next() else { throw MultiaddrError.missingValue(protocol: kind.name) }
                value = String(next)
            }
            parsed.append(try MultiaddrComponent(protocol: kind, text: value))
        }
        components = parsed
    }

    /// Parses the binary form; every byte must belong to a component.
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw MultiaddrError.emptyAddress }
        var parsed: [MultiaddrComponent] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            let (component, used) = try MultiaddrComponent.decode(rest)
            parsed.append(component)
            rest = rest.dropFirst(used)
        }
        components = parsed
    }

    /// The binary form.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        for c in components { c.encode(into: &out) }
        return out
    }

    /// The text form.
    public var description: String { components.map(\.description).joined() }

    /// The PeerID of a trailing `/p2p/<id>`, if the address ends with one.
    public var peerID: PeerID? {
        if case .p2p(let peer)? = components.last { return peer }
        return nil
    }

    /// The address without its trailing `/p2p/<id>` (unchanged if there is none). Dial this, then check
    /// the remote peer against `peerID`.
    public func removingPeerID() -> Multiaddr {
        guard peerID != nil else { return self }
        return Multiaddr(components: Array(components.dropLast()))
    }

    /// The address with `peer` as its trailing `/p2p/<id>`, replacing any existing one.
    public func withPeerID(_ peer: PeerID) -> Multiaddr {
        removingPeerID().appending(.p2p(peer))
    }

    public func appending(_ component: MultiaddrComponent) -> Multiaddr {
        Multiaddr(components: components + [component])
    }

    /// Encapsulation: `self` followed by all of `other`'s components.
    public func appending(_ other: Multiaddr) -> Multiaddr {
        Multiaddr(components: components + other.components)
    }

    /// Whether the address goes through a relay (`/p2p-circuit`).
    public var isRelayed: Bool { components.contains(.p2pCircuit) }
}
