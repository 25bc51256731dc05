import Logging
import Testing
@testable import Network

/// Every Host test, in one serialized group: they share loopback ports and two cores with other builders.
/// Run them with `swift test --filter HostTests`.
@Suite(.serialized) enum HostTests {}

/// The condition a harness waited for never held.
struct HarnessTimeout: Error, CustomStringConvertible {
    let ticks: Int
    let what: String
    var description: String { "\(what): not reached within \(ticks) reactor ticks" }
}

/// One reactor on real loopback sockets, the hosts running on it, and a loop that drives it until a
/// condition holds. It never sleeps: each tick waits in `poll` for at most `tick`, and the tick bound turns
/// a hang into a thrown `HarnessTimeout`.
final class HostHarness {
    let reactor: Reactor
    let clock: TimeSource
    private(set) var nodes: [TestHost] = []
    private(set) var rawPeers: [RawPeer] = []
    static let loopback = try! Multiaddr("/ip4/127.0.0.1/tcp/0")

    init(clock: TimeSource = MonotonicClock()) {
        self.clock = clock
        reactor = Reactor(clock: clock, poller: PollPoller())
    }

    /// A host listening on 127.0.0.1 (a free port) unless `listening` is false.
    func makeHost(agent: String = "host-test/1.0", listening: Bool = true,
                  configure: (inout HostConfig) -> Void = { _ in }) throws -> TestHost {
        var config = HostConfig(agentVersion: agent)
        configure(&config)
        var logger = Logger(label: "host-test")
        logger.logLevel = .critical
        let node = TestHost(Host(identity: .generate(), reactor: reactor, config: config, logger: logger))
        if listening { try node.host.listen(Self.loopback) }
        nodes.append(node)
        return node
    }

    func register(_ peer: RawPeer) { rawPeers.append(peer) }

    /// Runs reactor ticks until `done()` holds; throws `HarnessTimeout` after `maxTicks`.
    func run(_ what: String = "condition", maxTicks: Int = 200, tick: Duration = .milliseconds(50),
             until done: () throws -> Bool) throws {
        for _ in 0..<maxTicks {
            if try done() { return }
            try reactor.runOnce(timeout: tick)
        }
        if try done() { return }
        throw HarnessTimeout(ticks: maxTicks, what: what)
    }

    /// Runs `count` short ticks whatever happens: lets stray events (a second `connected`, a late
    /// `disconnected`) surface before a test asserts they did not.
    func settle(ticks count: Int = 10) throws {
        for _ in 0..<count { try reactor.runOnce(timeout: .milliseconds(10)) }
    }

    /// `a` dials `b` and both sides report the connection.
    func connect(_ a: TestHost, _ b: TestHost) throws {
        a.host.dial(b.address)
        try run("\(a) ⇄ \(b) connected") { a.isConnected(to: b) && b.isConnected(to: a) }
    }

    /// The host still serves after whatever a test did to it: a fresh, honest host dials it, both sides
    /// report the connection, a ping succeeds, and the prober leaves again.
    func expectServes(_ target: TestHost, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let prober = try makeHost(agent: "prober/1.0", listening: false)
        prober.host.dial(target.address)
        try run("prober connected") { prober.isConnected(to: target) && target.isConnected(to: prober) }
        prober.host.ping(target.peerID)
        try run("prober ping") { !prober.pingResults.isEmpty }
        if case .failure(let e) = prober.pingResults[0].result {
            Issue.record("ping after abuse failed: \(e)", sourceLocation: sourceLocation)
        }
        prober.host.close()
        try run("prober gone") { target.disconnections.contains { $0.peer == prober.peerID } }
    }

    /// Closes every host and raw socket so the next test starts from nothing.
    func shutdown() {
        for peer in rawPeers { peer.close() }
        for node in nodes { node.host.close() }
        try? settle(ticks: 2)
    }
}

/// A `Host` plus every event it reported, with typed views for assertions.
final class TestHost: CustomStringConvertible {
    let host: Host
    private(set) var events: [HostEvent] = []

    init(_ host: Host) {
        self.host = host
        host.onEvent = { [unowned self] in self.events.append($0) }
    }

    var peerID: PeerID { host.peerID }
    /// The first listen address, with `/p2p/<id>`.
    var address: Multiaddr { host.listenAddresses[0] }
    var description: String { "host \(peerID.shortDescription)" }

    func isConnected(to other: TestHost) -> Bool { host.isConnected(other.peerID) }

    var connected: [(peer: PeerID, info: ConnectionInfo)] {
        events.compactMap { if case .connected(let p, let i) = $0 { return (p, i) } else { return nil } }
    }
    var disconnections: [(peer: PeerID, reason: HostError?)] {
        events.compactMap { if case .disconnected(let p, let r) = $0 { return (p, r) } else { return nil } }
    }
    var identified: [(peer: PeerID, info: IdentifyInfo)] {
        events.compactMap { if case .identified(let p, let i) = $0 { return (p, i) } else { return nil } }
    }
    var dialFailures: [(address: Multiaddr, error: HostError)] {
        events.compactMap { if case .dialFailed(let a, let e) = $0 { return (a, e) } else { return nil } }
    }
    var inboundFailures: [HostError] {
        events.compactMap { if case .inboundFailed(_, let e) = $0 { return e } else { return nil } }
    }
    var pingResults: [(peer: PeerID, result: Result<Duration, HostError>)] {
        events.compactMap { if case .pingResult(let p, let r) = $0 { return (p, r) } else { return nil } }
    }

    /// Open connections, kept or still upgrading (the host's own table).
    var connectionCount: Int { host.connections.count }
    /// Duplicate connections waiting out `HostConfig.duplicateGrace`.
    var retiredCount: Int { host.connections.values.filter(\.isRetired).count }
}

/// Typed views of `HostError` (it is not `Equatable`: some causes carry errno or addresses), so a test can
/// `#expect(error.noise == .decryptFailed)`.
extension HostError {
    var securityNegotiation: MultistreamError? { if case .securityNegotiation(let e) = self { return e }; return nil }
    var noise: NoiseError? { if case .security(let e) = self { return e }; return nil }
    var muxerNegotiation: MultistreamError? { if case .muxerNegotiation(let e) = self { return e }; return nil }
    var yamux: YamuxError? { if case .muxer(let e) = self { return e }; return nil }
    var protocolNegotiation: MultistreamError? { if case .protocolNegotiation(let e) = self { return e }; return nil }
    var peerIDMismatch: (expected: PeerID, got: PeerID)? {
        if case .peerIDMismatch(let x, let g) = self { return (x, g) }; return nil
    }
    var closedReason: String? { if case .connectionClosed(let r) = self { return r }; return nil }
    var isHandshakeTimeout: Bool { if case .handshakeTimeout = self { return true }; return false }
    var isDialedSelf: Bool { if case .dialedSelf = self { return true }; return false }
    var isConnectionLimit: Bool { if case .connectionLimit = self { return true }; return false }
}

/// A stream handler that records what happened to its stream.
final class RecordingHandler: StreamHandler {
    var opened = false
    var received: [UInt8] = []
    var closed = false
    var closeError: HostError?

    func streamOpened(_ stream: HostStream) { opened = true }
    func stream(_ stream: HostStream, received bytes: [UInt8]) { received += bytes }
    func streamClosed(_ stream: HostStream, error: HostError?) {
        closed = true
        closeError = error
    }
}
