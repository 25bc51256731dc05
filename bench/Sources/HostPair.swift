import Logging
import Network

/// Two `Host`s on one `Reactor`, connected over loopback TCP (Noise, yamux, identify done).
///
/// One thread drives both ends, so every figure measured here is a lower bound on what two processes
/// (one core each) reach: the sender's sealing and the receiver's opening take turns on one core.
final class HostPair {
    let reactor = Reactor()
    let server: Network.Host
    let client: Network.Host

    init(serverConfig: HostConfig = HostConfig(agentVersion: "p2p-chat-bench")) throws {
        var logger = Logger(label: "p2p-chat-bench")
        logger.logLevel = .critical
        server = Network.Host(identity: .generate(), reactor: reactor, config: serverConfig, logger: logger)
        client = Network.Host(identity: .generate(), reactor: reactor, config: HostConfig(agentVersion: "p2p-chat-bench"),
                              logger: logger)
        let address = try server.listen(try Multiaddr("/ip4/127.0.0.1/tcp/0"))
        var identified = false
        var failure: String?
        client.onEvent = { event in
            switch event {
            case .identified: identified = true
            case .dialFailed(_, let error): failure = "dial failed: \(error)"
            case .disconnected(_, let reason): failure = "disconnected: \(reason.map { "\($0)" } ?? "closed")"
            default: break
            }
        }
        client.dial(address.appending(.p2p(server.peerID)))
        try drive(seconds: 15) { identified || failure != nil }
        if let failure { throw BenchError(failure) }
        client.onEvent = nil
    }

    /// Runs the reactor until `done()` or the time limit.
    func drive(seconds: Double, until done: () -> Bool) throws {
        let deadline = Stopwatch.now + .milliseconds(Int64(seconds * 1000))
        while !done() {
            guard Stopwatch.now < deadline else { throw BenchError("timed out after \(fmt(seconds, 0)) s") }
            try reactor.runOnce(timeout: .milliseconds(100))
        }
    }

    /// Closes both hosts and lets the goodbyes go out.
    func close() {
        client.close()
        server.close()
        for _ in 0..<5 { try? reactor.runOnce(timeout: .milliseconds(5)) }
    }
}
