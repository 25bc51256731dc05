/// Maps our TCP listen port on the default gateway by NAT-PMP (RFC 6886), without any I/O:
///
///     start ──► external address request ──► 128 response ──► map TCP request ──► 130 response ──► .mapped
///                   │ no answer: resend after 250 ms, 500 ms, … (§3.1), 9 tries, then .gaveUp  │
///                   └───────────────────── epoch went backwards (gateway rebooted, §3.6) ◄─────┤
///     granted lifetime / 2 ──► map TCP request again (renewal) ──────────────────────────────┘
///     a gateway that answered before goes silent ──► .lost, start over after `retryAfterLoss`
///     unmap ──► map TCP request with lifetime 0 (one send, no retries)
///
/// Inputs: `start(now:)`, `receive(_:from:now:)`, `handleTimeout(now:)`, `unmap()`. Outputs: `pollTransmit()`
/// (datagrams for `gateway`), `pollEvent()`, `nextDeadline`. Only datagrams from `gateway` count.
public struct NATPMPClient {
    /// What the service acts on.
    public enum Event: Hashable, Sendable {
        /// The gateway forwards `/ip4/<external>/tcp/<port>` to our listen port.
        case mapped(external: Multiaddr)
        /// The mapping we reported is gone (a renewal failed, the gateway moved it, or `unmap`).
        case lost
        /// We stopped asking: no answer from a gateway that never answered, or the gateway refused. Normal for
        /// routers without NAT-PMP. (One that answered before and goes silent is retried: `retryAfterLoss`.)
        case gaveUp(NATPMPError)
    }

    /// First retransmission delay (§3.1); it doubles after each try.
    public static let initialRetransmit: Duration = .milliseconds(250)
    /// Sends per request before giving up (the last waits 64 s, §3.1).
    public static let maxTries = 9
    /// Mapping lifetime we ask for (§3.3 recommends 7200 s).
    public static let requestedLifetime: UInt32 = 7200
    /// How long after a gateway that had answered goes silent (a reboot, a blip in the LAN) we start over.
    public static let retryAfterLoss: Duration = .seconds(300)
    /// Allowed drift when checking the gateway's epoch against our clock (§3.6: 7/8 of elapsed, minus 2 s).
    static let epochSlackSeconds: Int64 = 2

    private enum Request: Equatable {
        case externalAddress
        case mapTCP
    }

    /// The gateway's NAT-PMP address (its IPv4 and port 5351; tests use another port).
    public let gateway: SocketAddress
    public let internalPort: UInt16
    public let lifetime: UInt32
    /// The multiaddr last reported by `.mapped`, until `.lost`.
    public private(set) var mapping: Multiaddr?
    private var externalIP: [UInt8]?
    private var pending: Request?
    private var tries = 0
    private var deadline: Instant?
    /// The gateway's last epoch and when we saw it.
    private var lastEpoch: (seconds: UInt32, at: Instant)?
    private var closed = false
    /// The gateway has answered once: it speaks NAT-PMP, so silence later is a blip, never a reason to stop.
    private var gatewayAnswered = false
    private var transmits: [[UInt8]] = []
    private var events: [Event] = []

    public init(gateway: SocketAddress, internalPort: UInt16, lifetime: UInt32 = NATPMPClient.requestedLifetime) {
        self.gateway = gateway
        self.internalPort = internalPort
        self.lifetime = lifetime
    }

    /// Asks for the external address, then maps.
    public mutating func start(now: Instant) {
        guard !closed else { return }
        send(.externalAddress, now: now)
    }

    public var nextDeadline: Instant? { closed ? nil : deadline }

    public mutating func pollTransmit() -> [UInt8]? { transmits.isEmpty ? nil : transmits.removeFirst() }
    public mutating func pollEvent() -> Event? { events.isEmpty ? nil : events.removeFirst() }

    /// Retransmits, gives up, or renews, whichever is due.
    public mutating func handleTimeout(now: Instant) {
        guard !closed, let due = deadline, now >= due else { return }
        guard let request = pending else {
            send(mapping == nil ? .externalAddress : .mapTCP, now: now)   // a renewal, or starting over after a loss
            return
        }
        guard tries < Self.maxTries else {
            guard gatewayAnswered else { giveUp(.noResponse(tries: tries)); return }
            if mapping != nil { events.append(.lost) }
            mapping = nil
            pending = nil
            deadline = now + Self.retryAfterLoss
            return
        }
        transmit(request)
        tries += 1
        deadline = now + Self.retransmitDelay(afterTry: tries)
    }

    /// How long to wait after the `n`th send (1-based): 250 ms · 2ⁿ⁻¹.
    public static func retransmitDelay(afterTry n: Int) -> Duration {
        initialRetransmit * (1 << (n - 1))
    }

    /// Handles one datagram; throws (and changes nothing) for foreign, malformed or unsolicited ones.
    /// A refusal (`NATPMPError.failed`) ends the machine with `.gaveUp` and is thrown too.
    public mutating func receive(_ bytes: [UInt8], from sender: SocketAddress, now: Instant) throws(NATPMPError) {
        guard sender == gateway else { throw .unexpectedSender(sender) }
        guard !closed, let request = pending else { throw .unsolicited }
        let response: NATPMPMessage.Response
        do { response = try NATPMPMessage.parse(bytes) } catch {
            if case .failed = error { giveUp(error) }
            throw error
        }
        gatewayAnswered = true
        switch (request, response) {
        case (.externalAddress, .externalAddress(_, let address)):
            noteEpoch(response.epoch, now: now)
            externalIP = address
            send(.mapTCP, now: now)
        case (.mapTCP, .mapTCP(_, let port, let external, let granted)) where port == internalPort:
            if noteEpoch(response.epoch, now: now) {
                send(.externalAddress, now: now)   // rebooted: its answer may predate what it lost; ask afresh
                return
            }
            mapped(externalPort: external, lifetime: granted, now: now)
        default:
            throw .unsolicited
        }
    }

    /// Deletes the mapping (lifetime 0, §3.4) with one send, and stops.
    public mutating func unmap() {
        guard !closed else { return }
        if mapping != nil || pending == .mapTCP {
            transmits.append(NATPMPMessage.mapTCPRequest(internalPort: internalPort, suggestedExternalPort: 0, lifetime: 0))
        }
        if mapping != nil { events.append(.lost) }
        mapping = nil
        closed = true
        pending = nil
        deadline = nil
    }

    // MARK: Steps

    private mutating func send(_ request: Request, now: Instant) {
        pending = request
        transmit(request)
        tries = 1
        deadline = now + Self.retransmitDelay(afterTry: 1)
    }

    private mutating func transmit(_ request: Request) {
        switch request {
        case .externalAddress:
            transmits.append(NATPMPMessage.externalAddressRequest())
        case .mapTCP:
            let suggested = mapping?.tcpEndpoint?.port ?? internalPort
            transmits.append(NATPMPMessage.mapTCPRequest(internalPort: internalPort, suggestedExternalPort: suggested,
                                                         lifetime: lifetime))
        }
    }

    private mutating func mapped(externalPort: UInt16, lifetime granted: UInt32, now: Instant) {
        pending = nil
        guard let externalIP, externalPort != 0, granted > 0 else {
            giveUp(.emptyMapping)
            return
        }
        let address = Multiaddr(components: [.ip4(externalIP), .tcp(externalPort)])
        if address != mapping {
            if mapping != nil { events.append(.lost) }
            mapping = address
            events.append(.mapped(external: address))
        }
        deadline = now + .seconds(Int64(granted) / 2)
    }

    /// Records the gateway's epoch; true when it lost state since the last one (§3.6: the new epoch is
    /// below the old plus 7/8 of the time elapsed on our clock, minus some slack).
    @discardableResult
    private mutating func noteEpoch(_ seconds: UInt32, now: Instant) -> Bool {
        defer { lastEpoch = (seconds, now) }
        guard let last = lastEpoch else { return false }
        let elapsed = (now - last.at).components.seconds
        let expected = Int64(last.seconds) + elapsed * 7 / 8 - Self.epochSlackSeconds
        return Int64(seconds) < expected
    }

    private mutating func giveUp(_ reason: NATPMPError) {
        if mapping != nil { events.append(.lost) }
        mapping = nil
        events.append(.gaveUp(reason))
        closed = true
        pending = nil
        deadline = nil
    }
}
