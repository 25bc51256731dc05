import Foundation
import Logging
import Network
import Testing

/// AutoNAT v1 against a live py-libp2p 0.8.1 peer running its `AutoNATService`, both ways. Our side is a
/// `Network.Host` in this process (its reactor pumped here between reads of py's events), so the test can
/// set what the app does not: a verdict from one server, and dial-backs to 127.0.0.1.
@Suite("AutoNAT interop with py-libp2p 0.8.1", .serialized,
       .enabled(if: InteropEnvironment.interopEnabled, InteropEnvironment.skipReason))
struct AutoNATInteropTests {
    let reactor = Reactor()
    let host: Network.Host

    init() throws {
        var logger = Logger(label: "autonat-interop")
        logger.logLevel = .critical
        host = Network.Host(identity: .generate(), reactor: reactor, logger: logger)
        try host.listen(try Multiaddr("/ip4/127.0.0.1/tcp/0"))
    }

    /// Runs our reactor in short ticks until `done`, which may read py's events (`waitFor` with a short timeout).
    func pump(_ what: String, timeout: Double = 60, until done: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try done() { return }
            try reactor.runOnce(timeout: .milliseconds(5))
        }
        throw LineProcess.Failure(description: "\(what): not within \(timeout) s")
    }

    @Test("we ask py to dial us back: py answers OK and we count it as reachable")
    func weAskPy() throws {
        let py = try PyPeer(seed: "autonat-py-server", extraArguments: ["--autonat", "--no-perf", "--no-pubsub"])
        var config = AutoNATClient.Config()
        config.bootDelay = .zero
        config.confirmations = 1
        let client = AutoNATClient(host: host, config: config)
        client.start()
        host.dial(try Multiaddr(py.loopbackAddr))
        try pump("py's verdict") { client.reachability != .unknown }
        #expect(client.reachability == .reachable)
        let pyPeer = try PeerID(py.peer)
        #expect(host.peers().first { $0.peer == pyPeer }?.identify?.protocols.contains(AutoNAT.protocolID) == true)
        host.close()
    }

    @Test("py asks us to dial it back: our probe's fresh Noise handshake with py proves it, py reads OK")
    func pyAsksUs() throws {
        let py = try PyPeer(seed: "autonat-py-client", extraArguments: ["--autonat", "--no-perf", "--no-pubsub"])
        var config = AutoNATServer.Config()
        config.allowPrivateAddresses = true
        let server = AutoNATServer(host: host, config: config)
        host.dial(try Multiaddr(py.loopbackAddr))
        let pyPeer = try PeerID(py.peer)
        try pump("we identified py") { host.peers().first { $0.peer == pyPeer }?.identify != nil }
        try py.send("autonat \(host.peerID)")
        var answer: [String: Any]?
        try pump("py's answer") {
            answer = try? py.waitFor("autonat", timeout: 0.005)
            return answer != nil
        }
        #expect(answer?.int("status") == 0)
        #expect(answer?.string("addr")?.hasPrefix("/ip4/127.0.0.1/tcp/") == true)
        #expect(server.answered[.ok] == 1)
        #expect(host.isConnected(try PeerID(py.peer)), "the probe left our connection to py alone")

        // Without private dial-backs (the app's setting), the same request is refused, and py reads that too.
        server.stop()
        _ = AutoNATServer(host: host)
        try py.send("autonat \(host.peerID)")
        try pump("py's second answer") {
            answer = try? py.waitFor("autonat", timeout: 0.005)
            return answer != nil
        }
        #expect(answer?.int("status") == 101)
        host.close()
    }
}
