/// The AutoNAT v1 server: a peer asks "can you reach me?", we try, and answer.
///
///     DIAL {peer, addrs} ──► the peer must be the one asking, else E_BAD_REQUEST
///                        ──► over the rate limits (per peer, all peers)      ──► E_DIAL_REFUSED
///                        ──► candidates: the observed address (its IP and port as we see the connection) and
///                            the asker's TCP addresses on the observed IP only, never private or loopback ones
///                            (unless `allowPrivateAddresses`), at most `maxCandidates`
///                        ──► none                                            ──► E_DIAL_REFUSED
///                        ──► all probed at once (`Host.probe`): the first to prove the peer ──► OK {addr}
///                                                                 every one failed        ──► E_DIAL_ERROR
///
/// Dialing only the IP the request came from is what keeps the server from being used to attack or scan a
/// third party (the spec's rule); refusing private addresses keeps it from probing our own network.
public final class AutoNATServer {
    public struct Config: Sendable {
        /// Dial back private and loopback addresses too (a LAN-only deployment; tests on 127.0.0.1).
        public var allowPrivateAddresses = false
        /// Requests answered per peer, and in all, per minute (go-libp2p: 3 and 30).
        public var requestsPerPeerPerMinute = 3.0
        public var requestsPerMinute = 30.0
        public init() {}
    }

    /// Addresses probed for one request at most.
    public static let maxCandidates = 8

    unowned let host: Host
    let config: Config
    var perPeer: RateLimiter<PeerID>
    var global: RateLimiter<Int>
    /// Requests answered so far, by status (for tests and the log).
    public private(set) var answered: [AutoNATStatus: Int] = [:]

    public init(host: Host, config: Config = Config()) {
        self.host = host
        self.config = config
        perPeer = RateLimiter(rate: config.requestsPerPeerPerMinute / 60, burst: config.requestsPerPeerPerMinute)
        global = RateLimiter(rate: config.requestsPerMinute / 60, burst: config.requestsPerMinute)
        // The handler table keeps the server alive while it serves (until `stop`).
        host.setStreamHandler(AutoNAT.protocolID) { _ in AutoNATServerStream(server: self) }
    }

    /// Stops serving (the protocol disappears from identify on the next exchange).
    public func stop() { host.removeStreamHandler(AutoNAT.protocolID) }

    /// Answers one request; `reply` runs once, maybe later (after the probes).
    func handle(_ message: AutoNATMessage, from peer: PeerID, observed: SocketAddress?,
                reply: @escaping (AutoNATResponse) -> Void) {
        let now = host.reactor.now
        let answer: (AutoNATResponse) -> Void = { [weak self] response in
            self?.answered[response.status, default: 0] += 1
            reply(response)
        }
        guard case .dial(let claimed, let addresses) = message, claimed == peer.bytes else {
            return answer(AutoNATResponse(status: .badRequest, text: "a DIAL must name the peer that sends it"))
        }
        guard perPeer.allow(peer, now: now), global.allow(0, now: now) else {
            return answer(AutoNATResponse(status: .dialRefused, text: "too many dial-back requests"))
        }
        guard let observed else { return answer(AutoNATResponse(status: .dialRefused, text: "no observed address")) }
        let candidates = Self.candidates(addresses.compactMap { try? Multiaddr(bytes: $0) }, observed: observed,
                                         allowPrivate: config.allowPrivateAddresses)
        guard !candidates.isEmpty else {
            return answer(AutoNATResponse(status: .dialRefused, text: "no address to dial on the IP we see"))
        }
        var pending = candidates.count
        var done = false
        var onlyOurs = true   // every failure was our own limit or shutdown, which says nothing about the peer
        for candidate in candidates {
            host.probe(candidate.withPeerID(peer)) { result in
                pending -= 1
                guard !done else { return }
                switch result {
                case .success:
                    done = true
                    answer(AutoNATResponse(status: .ok, address: candidate.bytes))
                case .failure(let reason):
                    if case .connectionLimit = reason {} else if case .hostClosed = reason {} else { onlyOurs = false }
                    guard pending == 0 else { return }
                    done = true
                    answer(onlyOurs ? AutoNATResponse(status: .internalError, text: "cannot dial now")
                                    : AutoNATResponse(status: .dialError, text: "no address could be dialed"))
                }
            }
        }
    }

    /// The addresses a request may have dialed: the observed address first, then the asker's TCP addresses
    /// on the observed IP, without duplicates; nothing private or loopback unless `allowPrivate`.
    public static func candidates(_ addresses: [Multiaddr], observed: SocketAddress, allowPrivate: Bool) -> [Multiaddr] {
        let seen = Multiaddr(tcp: observed)
        guard allowPrivate || (!seen.isPrivate && !seen.isLoopback) else { return [] }
        var result = [seen]
        for address in addresses {
            guard let endpoint = address.removingPeerID().tcpEndpoint else { continue }
            let ip: [UInt8]
            switch endpoint.host {
            case .ip4(let a), .ip6(let a): ip = a
            default: continue
            }
            let plain = address.removingPeerID()
            guard ip == observed.addressBytes, !result.contains(plain) else { continue }
            result.append(plain)
        }
        return Array(result.prefix(maxCandidates))
    }
}

/// One inbound AutoNAT stream: read the request, answer once, close.
final class AutoNATServerStream: StreamHandler {
    let server: AutoNATServer
    var reader = LengthPrefixedDecoder(maxFrameLength: AutoNATMessage.maxLength)
    var asked = false

    init(server: AutoNATServer) { self.server = server }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        guard !asked else { return }
        reader.feed(bytes)
        let message: AutoNATMessage
        do {
            guard let frame = try reader.next() else { return }
            message = try AutoNATMessage(decoding: frame)
        } catch {
            server.host.log.info("AutoNAT request from \(stream.peer) dropped: \(error)")
            stream.reset()
            return
        }
        asked = true
        let observed = stream.connection?.socket.remoteAddress
        server.handle(message, from: stream.peer, observed: observed) { [weak stream] response in
            guard let stream else { return }
            stream.write(LengthPrefixed.frame(AutoNATMessage.dialResponse(response).encoded()))
            stream.closeWrite()
        }
    }

    func streamRemoteClosed(_ stream: HostStream) { if !asked { stream.reset() } }
}

/// Names shared by the server and the client.
public enum AutoNAT {
    public static let protocolID = "/libp2p/autonat/1.0.0"
}
