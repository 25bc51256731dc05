/// A NAT-PMP result code (RFC 6886 §3.5), a `UInt16` on the wire; 0 is success.
public struct NATPMPResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let success = NATPMPResultCode(rawValue: 0)
    public static let unsupportedVersion = NATPMPResultCode(rawValue: 1)
    /// Not authorized / refused: the box speaks NAT-PMP but mapping is turned off.
    public static let notAuthorized = NATPMPResultCode(rawValue: 2)
    /// Network failure: e.g. the gateway has no DHCP lease on its public side yet.
    public static let networkFailure = NATPMPResultCode(rawValue: 3)
    /// Out of resources: no ports left to map.
    public static let outOfResources = NATPMPResultCode(rawValue: 4)
    public static let unsupportedOpcode = NATPMPResultCode(rawValue: 5)

    public var description: String {
        switch self {
        case .success: return "success"
        case .unsupportedVersion: return "unsupported version"
        case .notAuthorized: return "not authorized/refused"
        case .networkFailure: return "network failure"
        case .outOfResources: return "out of resources"
        case .unsupportedOpcode: return "unsupported opcode"
        default: return "result code \(rawValue)"
        }
    }
}

/// Everything that goes wrong in NAT-PMP: bad datagrams (dropped), a gateway's refusal, silence, and why
/// the service does not start.
public enum NATPMPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Shorter than its layout needs.
    case truncated(expected: Int, got: Int)
    case unsupportedVersion(UInt8)
    /// Not a response we know (128 or 130), e.g. a UDP-mapping response or a request.
    case unknownOpcode(UInt8)
    /// The gateway answered with a non-zero result code.
    case failed(NATPMPResultCode)
    /// A datagram not from the gateway's NAT-PMP port.
    case unexpectedSender(SocketAddress)
    /// A success response that maps nothing (external port 0 or lifetime 0).
    case emptyMapping
    /// A well-formed response to no request in flight (a late duplicate, another port's mapping).
    case unsolicited
    /// No answer after every retransmission: the gateway does not speak NAT-PMP (common, not a fault).
    case noResponse(tries: Int)
    /// The service has nothing to map: we listen on loopback only, or on no IPv4 address.
    case noIPv4Listener
    /// No default IPv4 route, so no gateway to ask.
    case noDefaultGateway

    public var description: String {
        switch self {
        case .truncated(let expected, let got): return "NAT-PMP packet of \(got) bytes, need \(expected)"
        case .unsupportedVersion(let v): return "NAT-PMP version \(v), want 0"
        case .unknownOpcode(let op): return "unknown NAT-PMP opcode \(op)"
        case .failed(let code): return "gateway refused: \(code)"
        case .unexpectedSender(let address): return "datagram from \(address), not the gateway"
        case .emptyMapping: return "NAT-PMP mapping with port 0 or lifetime 0"
        case .unsolicited: return "NAT-PMP response to no pending request"
        case .noResponse(let tries): return "no NAT-PMP answer after \(tries) tries"
        case .noIPv4Listener: return "no non-loopback IPv4 listener to map"
        case .noDefaultGateway: return "no default IPv4 gateway"
        }
    }
}
