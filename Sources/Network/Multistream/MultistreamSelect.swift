/// One multistream-select 1.0 negotiation, as dialer or listener, without I/O.
///
/// Messages are framed by `MultistreamMessage` (`uvarint(n+1) || text || '\n'`). The flow:
///
///     dialer                                   listener
///     /multistream/1.0.0 + /proto/a   ───▶                        (pipelined, sent at creation)
///                                     ◀───     /multistream/1.0.0 (sent at creation, never waits)
///                                     ◀───     na                 (/proto/a unsupported)
///     /proto/b                        ───▶
///                                     ◀───     /proto/b           (echo = accepted)
///     <protocol bytes…>               ◀──▶     <protocol bytes…>
///
/// The listener sends its header at once because py-libp2p, as dialer, waits for it before proposing.
/// Bytes that follow an accepted proposal (a lazy dialer's first application data, or the listener's
/// first reply) belong to the negotiated protocol: `takeRemainder()` hands them over.
public struct MultistreamSelect {
    public static let protocolID = "/multistream/1.0.0"
    /// go-multistream's limit on one message.
    public static let maxMessageLength = 1024
    /// How many proposals (and `ls` requests) a listener refuses before giving up on the dialer.
    public static let maxRejectedProposals = 32

    static let notAvailable = "na"
    static let listRequest = "ls"

    public enum Role: Sendable { case dialer, listener }

    private enum Phase { case awaitingHeader, negotiating, done }

    public let role: Role
    private let proposals: [String]
    private var proposalIndex = 0
    private let supported: (String) -> Bool
    private let listing: [String]

    private var phase = Phase.awaitingHeader
    private var failure: MultistreamError?
    private var rejected = 0
    private var inbox: [UInt8] = []
    private var inboxStart = 0
    private var outbox: [UInt8] = []
    private var remainder: [UInt8] = []

    /// The agreed protocol, once the listener has echoed it (dialer) or we have echoed it (listener).
    public private(set) var negotiated: String?

    private init(role: Role, proposals: [String], supported: @escaping (String) -> Bool, listing: [String]) {
        self.role = role
        self.proposals = proposals
        self.supported = supported
        self.listing = listing
        MultistreamMessage.append(Self.protocolID, to: &outbox)
    }

    /// A dialer proposing `proposals` in order of preference. The header and the first proposal are queued
    /// together; after each `na` the next proposal is sent.
    public static func dialer(proposals: [String]) -> MultistreamSelect {
        var machine = MultistreamSelect(role: .dialer, proposals: proposals, supported: { _ in false }, listing: [])
        if let first = proposals.first { MultistreamMessage.append(first, to: &machine.outbox) }
        return machine
    }

    /// A listener accepting any proposal for which `supported` returns true. Its header is queued at once.
    /// - Parameter listing: what to answer an `ls` request with (an empty list by default).
    public static func listener(supported: @escaping (String) -> Bool, listing: [String] = []) -> MultistreamSelect {
        MultistreamSelect(role: .listener, proposals: [], supported: supported, listing: listing)
    }

    /// True once a protocol is agreed; every later input is protocol data and lands in the remainder.
    public var isComplete: Bool { negotiated != nil }

    /// Feeds bytes from the peer, in any chunking. Throws `MultistreamError`; after an error every call throws it again.
    public mutating func receive(_ bytes: ArraySlice<UInt8>) throws {
        if let failure { throw failure }
        if phase == .done {
            remainder.append(contentsOf: bytes)
            return
        }
        inbox.append(contentsOf: bytes)
        do {
            while phase != .done,
                  let (text, length) = try MultistreamMessage.parse(inbox[inboxStart...], limit: Self.maxMessageLength) {
                inboxStart += length
                try handle(text)
            }
        } catch let error as MultistreamError {
            failure = error
            throw error
        }
        if phase == .done {
            remainder.append(contentsOf: inbox[inboxStart...])
            inbox = []
            inboxStart = 0
        } else if inboxStart == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxStart = 0
        }
    }

    public mutating func receive(_ bytes: [UInt8]) throws { try receive(bytes[...]) }

    /// Bytes to send to the peer, or nil when there are none.
    public mutating func pollTransmit() -> [UInt8]? {
        guard !outbox.isEmpty else { return nil }
        defer { outbox = [] }
        return outbox
    }

    /// Everything received after the negotiation finished: the negotiated protocol's own bytes.
    public mutating func takeRemainder() -> [UInt8] {
        defer { remainder = [] }
        return remainder
    }

    private mutating func handle(_ text: String) throws {
        switch (phase, role) {
        case (.awaitingHeader, _):
            guard text == Self.protocolID else { throw MultistreamError.unexpectedHeader(text) }
            phase = .negotiating
            if role == .dialer && proposals.isEmpty { throw MultistreamError.noProtocolInCommon([]) }
        case (.negotiating, .dialer):
            try handleAnswer(text)
        case (.negotiating, .listener):
            try handleProposal(text)
        case (.done, _):
            break
        }
    }

    private mutating func handleAnswer(_ text: String) throws {
        if text == proposals[proposalIndex] {
            accept(text)
        } else if text == Self.notAvailable {
            proposalIndex += 1
            guard proposalIndex < proposals.count else { throw MultistreamError.noProtocolInCommon(proposals) }
            MultistreamMessage.append(proposals[proposalIndex], to: &outbox)
        } else {
            throw MultistreamError.unexpectedResponse(text)
        }
    }

    private mutating func handleProposal(_ text: String) throws {
        if text == Self.listRequest {
            try countRefusal()
            outbox += MultistreamMessage.listing(listing)
        } else if text != Self.notAvailable && text != Self.protocolID && supported(text) {
            MultistreamMessage.append(text, to: &outbox)
            accept(text)
        } else {
            try countRefusal()
            MultistreamMessage.append(Self.notAvailable, to: &outbox)
        }
    }

    private mutating func countRefusal() throws {
        rejected += 1
        if rejected > Self.maxRejectedProposals { throw MultistreamError.tooManyAttempts(rejected) }
    }

    private mutating func accept(_ proto: String) {
        negotiated = proto
        phase = .done
    }
}
