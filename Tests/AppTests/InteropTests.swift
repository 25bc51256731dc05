import Foundation
import Testing

/// p2p-chat against a real py-libp2p 0.8.1 peer (Tests/Interop/py/py_peer.py) over TCP on 127.0.0.1.
///
/// Headless contract these tests rely on (DESIGN.md "Command line and headless mode"):
///   p2p-chat --headless --listen /ip4/127.0.0.1/tcp/0 --data-dir DIR [--connect MADDR] [--enable-perf]
///   stdout events: ready{peer,addrs}, connected{peer}, disconnected{peer}, error{message},
///                  peers{peers:[{peer,addrs,agent,protocols}]}, ping{peer,rtt_ms}, echo{ok,bytes,sha256}
///   stdin: /peers, /ping PEERID, /echo-test PEERID NBYTES (hidden), /quit; EOF quits.
/// Skipped (with the reason shown) when no virtualenv exists; under CI=true they run and fail instead.
@Suite("Interop with py-libp2p 0.8.1", .serialized,
       .enabled(if: InteropEnvironment.interopEnabled, InteropEnvironment.skipReason))
struct InteropTests {
    static let sixteenMiB = 16 * 1024 * 1024

    @Test("the py harness itself works py↔py (dial, ping, identify, peers, echo, perf, quit)")
    func pyHarnessSelfTest() throws {
        let python = try InteropEnvironment.requirePython()
        let run = try LineProcess(python, [InteropEnvironment.pySelftestScript,
                                           "--echo-bytes", "1048576", "--perf-bytes", "1048576"],
                                  name: "selftest.py")
        let status = try run.waitForExit(timeout: 180)
        #expect(status == 0, "py↔py selftest failed:\(run.diagnostics())\n stdout: \(run.nonJSONLines)")
    }

    @Test("py dials p2p-chat, pings it and identifies it")
    func pyDialsUs() throws {
        let node = try ChatNode()
        let py = try PyPeer(seed: "interop-py-dials")
        #expect(node.peer.hasPrefix("12D3KooW"), "ready.peer is an Ed25519 PeerID: \(node.ready)")
        #expect(node.loopbackAddr.hasPrefix("/ip4/127.0.0.1/tcp/") && node.loopbackAddr.hasSuffix("/p2p/\(node.peer)"),
                "ready.addrs has /ip4/127.0.0.1/tcp/N/p2p/<peer>: \(node.addrs)")

        try py.send("dial \(node.loopbackAddr)")
        try py.waitFor("dialed") { $0.string("peer") == node.peer }
        try node.waitFor("connected") { $0.string("peer") == py.peer }

        try py.send("ping \(node.peer) 3")
        let ping = try py.waitFor("ping")
        #expect((ping["rtts_ms"] as? [Any])?.count == 3,
                "three ping round trips on one stream: \(ping)")

        try py.send("identify \(node.peer)")
        let id = try py.waitFor("identify")
        let agent = id.string("agent") ?? ""
        let protocols = id.strings("protocols")
        #expect(agent.hasPrefix("p2p-chat/"), "agentVersion seen by py: \(agent)")
        #expect(protocols.contains("/ipfs/id/1.0.0") && protocols.contains("/ipfs/ping/1.0.0"),
                "protocols seen by py: \(protocols)")
        #expect(protocols.contains("/libp2p/autonat/1.0.0"), "the app serves AutoNAT: \(protocols)")
        #expect(id.bool("public_key_ok") == true, "identify publicKey hashes to the PeerID: \(id)")
        #expect(id.string("protocol_version") == "ipfs/0.1.0", "protocolVersion: \(id)")
        #expect(id.strings("listen_addrs").contains { $0.hasPrefix("/ip4/127.0.0.1/tcp/") },
                "listenAddrs include the loopback listener: \(id)")
        #expect(id.string("observed_addr")?.hasPrefix("/ip4/127.0.0.1/tcp/") == true, "observedAddr: \(id)")
        // py-libp2p's consume_envelope accepts our signed peer record: our key, our peer, our listen addresses.
        let record = try #require(id["signed_record"] as? [String: Any], "identify carries a signed peer record: \(id)")
        #expect(record.string("peer") == node.peer && record.bool("signer_ok") == true, "\(record)")
        #expect(record.strings("addrs") == node.addrs.map { $0.replacingOccurrences(of: "/p2p/\(node.peer)", with: "") },
                "signed addresses = ready.addrs: \(record)")

        // py's own view (it identified us on connect) and ours of py.
        try node.send("/peers")
        let peers = try node.waitFor("peers")
        #expect(peers.objects("peers").contains { $0.string("peer") == py.peer }, "our /peers lists py: \(peers)")

        // EOF on stdin quits gracefully; py sees the connection go.
        node.process.closeStdin()
        #expect(try node.process.waitForExit(timeout: 15) == 0, "exit status after EOF")
        try py.waitFor("disconnected", timeout: 15) { $0.string("peer") == node.peer }
        #expect(node.process.nonJSONLines.isEmpty, "stdout carries only JSON lines: \(node.process.nonJSONLines)")
    }

    @Test("p2p-chat dials py (--connect), pings it and reports its agent")
    func weDialPy() throws {
        let py = try PyPeer(seed: "interop-we-dial")
        let node = try ChatNode(connect: [py.loopbackAddr])
        try node.waitFor("connected") { $0.string("peer") == py.peer }
        try py.waitFor("connected") { $0.string("peer") == node.peer }

        try node.send("/ping \(py.peer)")
        let ping = try node.waitFor("ping")
        #expect(ping.string("peer") == py.peer)
        let rtt = try #require(ping.double("rtt_ms"), "ping.rtt_ms is a number: \(ping)")
        #expect(rtt >= 0 && rtt < 10_000)

        // identify runs right after connect; ask until our view has py's agent (each round is a real round trip).
        var entry: [String: Any]?
        for _ in 0..<20 {
            try node.send("/peers")
            let peers = try node.waitFor("peers")
            entry = peers.objects("peers").first { $0.string("peer") == py.peer }
            if entry?.string("agent") != nil { break }
            try node.send("/ping \(py.peer)")
            try node.waitFor("ping")
        }
        let py0 = try #require(entry, "our /peers lists py")
        #expect(py0.string("agent") == "py-libp2p/0.8.1", "agent of py in /peers: \(py0)")
        #expect(py0.strings("protocols").contains("/ipfs/ping/1.0.0"), "protocols of py in /peers: \(py0)")
        #expect(!py0.strings("addrs").isEmpty, "addresses of py in /peers: \(py0)")
        // py's signed peer record verified here: the addresses py signed are the ones it listens on (py signs
        // them with its /p2p/<id> suffix).
        #expect(py0.strings("signed_addrs") == py.addrs, "py's signed addresses in /peers: \(py0)")

        try node.send("/quit")
        #expect(try node.process.waitForExit(timeout: 15) == 0, "exit status after /quit")
        try py.waitFor("disconnected", timeout: 15) { $0.string("peer") == node.peer }
    }

    /// A py peer with an RSA identity (a `Qm…` PeerID, as the public IPFS bootstrap nodes have: RSASSA-PKCS1-v1_5 /
    /// SHA-256 signatures, the PeerID the SHA-256 of the key) or a secp256k1 one (`16Uiu2…`: DER ECDSA, the key
    /// inlined). Its Noise handshake signature is checked here. Both directions. (No ECDSA case: py-libp2p 0.8.1's
    /// ECC keys cannot sign and are not the spec's encoding; see `ECDSAPublicKeyTests`.)
    @Test("a py peer with an RSA or secp256k1 identity: it dials us, we dial it, ping and identify both ways",
          arguments: [("--rsa", "Qm"), ("--secp256k1", "16Uiu2")])
    func otherKeyTypesBothWays(_ flag: String, _ prefix: String) throws {
        let py = try PyPeer(seed: "unused", extraArguments: [flag])
        #expect(py.peer.hasPrefix(prefix), "\(flag): \(py.ready)")

        // we dial py (the PeerID in the address must match the key its handshake proves)
        let node = try ChatNode(connect: [py.loopbackAddr])
        try node.waitFor("connected") { $0.string("peer") == py.peer }
        try node.send("/ping \(py.peer)")
        #expect(try node.waitFor("ping").string("peer") == py.peer)
        try node.send("/quit")
        #expect(try node.process.waitForExit(timeout: 15) == 0)
        try py.waitFor("disconnected", timeout: 15) { $0.string("peer") == node.peer }

        // py dials us
        let other = try ChatNode()
        try py.send("dial \(other.loopbackAddr)")
        try py.waitFor("dialed") { $0.string("peer") == other.peer }
        try other.waitFor("connected") { $0.string("peer") == py.peer }
        try py.send("ping \(other.peer) 2")
        #expect((try py.waitFor("ping")["rtts_ms"] as? [Any])?.count == 2)
        try py.send("identify \(other.peer)")
        #expect(try py.waitFor("identify").bool("public_key_ok") == true)
        // and our identify of py keeps its RSA key's signed record
        var entry: [String: Any]?
        for _ in 0..<20 where entry?.string("agent") == nil {
            try other.send("/peers")
            entry = try other.waitFor("peers").objects("peers").first { $0.string("peer") == py.peer }
            if entry?.string("agent") == nil { try other.send("/ping \(py.peer)"); try other.waitFor("ping") }
        }
        #expect(entry?.string("agent") == "py-libp2p/0.8.1", "\(entry ?? [:])")
        #expect(entry?.strings("signed_addrs") == py.addrs, "py's signed peer record verified: \(entry ?? [:])")
    }

    @Test("16 MiB over one yamux stream each way arrives intact (flow control under a real peer)",
          .timeLimit(.minutes(5)))
    func sixteenMiBEachWay() throws {
        let py = try PyPeer(seed: "interop-echo")
        let node = try ChatNode(connect: [py.loopbackAddr])
        try node.waitFor("connected") { $0.string("peer") == py.peer }
        try py.waitFor("connected") { $0.string("peer") == node.peer }

        // py → us: py writes 16 MiB on /p2p-chat-test/echo/1.0.0 while reading our echo.
        try py.send("echo \(node.peer) \(Self.sixteenMiB)")
        let pyEcho = try py.waitFor("echo", timeout: 240)
        #expect(pyEcho.bool("ok") == true, "py's echo through p2p-chat: \(pyEcho)")
        #expect(pyEcho.int("bytes") == Self.sixteenMiB)
        #expect(pyEcho.string("sha256") == pyEcho.string("sent_sha256"))

        // us → py: /echo-test writes 16 MiB to py's echo handler and reads it back.
        try node.send("/echo-test \(py.peer) \(Self.sixteenMiB)")
        let ourEcho = try node.waitFor("echo", timeout: 240)
        let served = try py.waitFor("echo-served", timeout: 60)
        #expect(ourEcho.bool("ok") == true, "our echo through py: \(ourEcho)")
        #expect(ourEcho.int("bytes") == Self.sixteenMiB)
        #expect(served.int("bytes") == Self.sixteenMiB, "py received everything we sent: \(served)")
        #expect(served.string("sha256") == ourEcho.string("sha256"),
                "what py received is what came back to us: py \(served), us \(ourEcho)")

        // The connection survives both transfers.
        try node.send("/ping \(py.peer)")
        try node.waitFor("ping")
    }
}
