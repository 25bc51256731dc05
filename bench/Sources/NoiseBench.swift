import Network

/// (b) Noise XX handshakes per second: an initiator and a responder in memory, each with a fixed Ed25519
/// identity and a per-process `NoiseStaticKey` (as a host has), a fresh X25519 ephemeral key per handshake,
/// the libp2p payload, the initiator checking the dialed PeerID, and the yamux muxer extension.
enum NoiseBench {
    static let muxers = ["/yamux/1.0.0"]
    /// Each identity's static key, made once like `Host` does.
    nonisolated(unsafe) static var staticKeys: [PeerID: NoiseStaticKey] = [:]

    static func staticKey(_ identity: PrivateKey) -> NoiseStaticKey {
        if let key = staticKeys[identity.peerID] { return key }
        let key = NoiseStaticKey(identity: identity)
        staticKeys[identity.peerID] = key
        return key
    }

    /// Runs one handshake to completion and returns both ends' results.
    static func handshake(_ a: PrivateKey, _ b: PrivateKey) throws -> (NoiseSecured, NoiseSecured) {
        let initiator = NoiseHandshake(role: .initiator, identity: a, expectedRemote: b.peerID, muxers: muxers, staticKey: staticKey(a))
        let responder = NoiseHandshake(role: .responder, identity: b, expectedRemote: nil, muxers: muxers, staticKey: staticKey(b))
        var rounds = 0
        while !(initiator.isComplete && responder.isComplete) {
            rounds += 1
            guard rounds <= 4 else { throw BenchError("handshake did not complete") }
            while let bytes = initiator.pollTransmit() { try responder.receive(bytes[...]) }
            while let bytes = responder.pollTransmit() { try initiator.receive(bytes[...]) }
        }
        let i = initiator.finish(), r = responder.finish()
        guard i.remotePeer == b.peerID, r.remotePeer == a.peerID, i.handshakeHash == r.handshakeHash else {
            throw BenchError("handshake authenticated the wrong peers")
        }
        return (i, r)
    }

    /// CPU nanoseconds spent by each end of one handshake (the messages' delivery counts for the receiver).
    static func splitHandshake(_ a: PrivateKey, _ b: PrivateKey) throws -> (initiator: UInt64, responder: UInt64) {
        var tI: UInt64 = 0, tR: UInt64 = 0
        func charge<R>(_ t: inout UInt64, _ body: () throws -> R) rethrows -> R {
            let start = Stopwatch.threadCPUNanoseconds()
            defer { t &+= Stopwatch.threadCPUNanoseconds() &- start }
            return try body()
        }
        let initiator = charge(&tI) { NoiseHandshake(role: .initiator, identity: a, expectedRemote: b.peerID, muxers: muxers, staticKey: staticKey(a)) }
        let responder = charge(&tR) { NoiseHandshake(role: .responder, identity: b, expectedRemote: nil, muxers: muxers, staticKey: staticKey(b)) }
        var rounds = 0
        while !(initiator.isComplete && responder.isComplete) {
            rounds += 1
            guard rounds <= 4 else { throw BenchError("handshake did not complete") }
            while let bytes = charge(&tI, { initiator.pollTransmit() }) { try charge(&tR) { try responder.receive(bytes[...]) } }
            while let bytes = charge(&tR, { responder.pollTransmit() }) { try charge(&tI) { try initiator.receive(bytes[...]) } }
        }
        _ = charge(&tI) { initiator.finish() }
        _ = charge(&tR) { responder.finish() }
        return (tI, tR)
    }

    /// Two transports facing each other (initiator's sender, responder's receiver).
    static func transportPair() throws -> (NoiseTransport, NoiseTransport) {
        let (i, r) = try handshake(.generate(), .generate())
        return (i.transport, r.transport)
    }

    static func run(seconds: Double) throws {
        let a = PrivateKey.generate(), b = PrivateKey.generate()
        _ = try handshake(a, b)   // warm-up
        let sample = try timed(atLeast: seconds) {
            for _ in 0..<20 { _ = try handshake(a, b) }
            return 20
        }
        // The same handshakes, with each end's CPU time charged separately.
        var tI: UInt64 = 0, tR: UInt64 = 0
        let split = max(50, Int(sample.units) / 4)
        for _ in 0..<split {
            let (i, r) = try splitHandshake(a, b)
            tI &+= i; tR &+= r
        }
        let usI = Double(tI) / Double(split) / 1e3, usR = Double(tR) / Double(split) / 1e3
        var table = Table("Noise XX (libp2p payload, Ed25519 identities)", "handshakes/s wall", "per CPU-s", "µs each (CPU)", "target")
        table.add("both ends in one thread (initiator + responder)", fmt(sample.perWallSecond, 0), fmt(sample.perCPUSecond, 0),
                  fmt(sample.cpuSeconds / sample.units * 1e6), "≥ 2,500/s")
        table.add("initiator's side only (a dialing host)", "", fmt(1e6 / usI, 0), fmt(usI), "")
        table.add("responder's side only (a listening host)", "", fmt(1e6 / usR, 0), fmt(usR), "")
        table.print()
        print()
        print("\(fmt(sample.units, 0)) handshakes timed together, \(split) more with each end timed apart. Per end: one X25519")
        print("key pair (the ephemeral; the static key and its signature are made once per host, `NoiseStaticKey`), three DH")
        print("and one Ed25519 verification. One core serving only its own side of each handshake does the per-side rate.")
        Results.handshakes = sample.perCPUSecond
        Results.handshakesPerSide = 1e6 / max(usI, usR)
        print()
        try primitives(seconds: min(seconds, 0.5))
    }

    /// What one handshake is made of: the cost of each public-key operation (libsodium through `Sodium`).
    static func primitives(seconds: Double) throws {
        let secret = Sodium.randomBytes(32), other = try Sodium.x25519PublicKey(secret: Sodium.randomBytes(32))
        let identity = PrivateKey.generate()
        let message = [UInt8](repeating: 7, count: 56)
        let signature = identity.sign(message)
        func cost(_ body: () throws -> Void) rethrows -> Double {
            let s = try timed(atLeast: seconds) {
                for _ in 0..<50 { try body() }
                return 50
            }
            return s.cpuSeconds / s.units * 1e6
        }
        let base = try cost { _ = try Sodium.x25519PublicKey(secret: secret) }
        let dh = try cost { _ = try Sodium.x25519(secret: secret, publicKey: other) }
        let sign = cost { _ = identity.sign(message) }
        let verify = cost { _ = identity.publicKey.verify(signature: signature, for: message) }
        var table = Table("operation", "µs (CPU)", "per handshake, both ends", "µs per handshake")
        // Ephemeral key pairs and DH per handshake; the static key pair and signature are once per host.
        table.add("X25519 key pair (scalarmult_base)", fmt(base), "2", fmt(2 * base))
        table.add("X25519 DH (scalarmult)", fmt(dh), "6", fmt(6 * dh))
        table.add("Ed25519 sign (once per host, not per handshake)", fmt(sign), "0", "0")
        table.add("Ed25519 verify", fmt(verify), "2", fmt(2 * verify))
        table.add("sum (the floor of a handshake)", "", "", fmt(2 * base + 6 * dh + 2 * verify))
        table.print()
    }
}
