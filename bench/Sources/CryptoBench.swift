#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Network

/// (a) ChaCha20-Poly1305 IETF: libsodium's own rate on 64 KiB buffers, against the Noise transport built
/// on it; then ECDSA signature checks (secp256k1, P-256) in µs per verify. libsodium's seal rate is the ceiling for one stream: every byte is sealed once by the sender
/// and opened once by the receiver, each on its own core at best.
enum CryptoBench {
    static let bufferLength = 64 << 10

    /// `encrypt(c, clen_p, m, mlen, ad, adlen, nsec, npub, k)`.
    typealias AEADFunction = @convention(c) (
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt64>?, UnsafePointer<UInt8>?, UInt64,
        UnsafePointer<UInt8>?, UInt64, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?) -> Int32

    /// `decrypt(m, mlen_p, nsec, c, clen, ad, adlen, npub, k)`.
    typealias AEADOpenFunction = @convention(c) (
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt8>?, UnsafePointer<UInt8>?,
        UInt64, UnsafePointer<UInt8>?, UInt64, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?) -> Int32

    /// libsodium's entry point, looked up in the already loaded library (the bench links it through Network).
    static func sodiumSymbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    static func run(seconds: Double) throws {
        Sodium.ensureInitialized()
        let key = Sodium.randomBytes(Sodium.aeadKeyLength)
        let nonce = [UInt8](repeating: 0, count: 12)
        var table = Table("operation (one thread)", "MB/s wall", "MB/s per CPU-s", "vs raw seal")

        // Raw libsodium: separate input and output buffers, no AD.
        var raw: Sample?
        if let encrypt = sodiumSymbol("crypto_aead_chacha20poly1305_ietf_encrypt", as: AEADFunction.self),
           let decrypt = sodiumSymbol("crypto_aead_chacha20poly1305_ietf_decrypt", as: AEADOpenFunction.self) {
            let message = [UInt8](repeating: 0x5a, count: bufferLength)
            var sealed = [UInt8](repeating: 0, count: bufferLength + Sodium.aeadTagLength)
            var opened = [UInt8](repeating: 0, count: bufferLength)
            let seal = timed(atLeast: seconds) {
                for _ in 0..<64 {
                    _ = encrypt(&sealed, nil, message, UInt64(bufferLength), nil, 0, nil, nonce, key)
                }
                return Double(64 * bufferLength)
            }
            raw = seal
            var failures = 0
            let open = timed(atLeast: seconds) {
                for _ in 0..<64 {
                    if decrypt(&opened, nil, nil, sealed, UInt64(sealed.count), nil, 0, nonce, key) != 0 { failures += 1 }
                }
                return Double(64 * bufferLength)
            }
            table.add("libsodium chacha20poly1305_ietf_encrypt, 64 KiB", mbps(seal.perWallSecond), mbps(seal.perCPUSecond), "100%")
            table.add("libsodium chacha20poly1305_ietf_decrypt, 64 KiB" + (failures > 0 ? " (FAILED)" : ""),
                      mbps(open.perWallSecond), mbps(open.perCPUSecond), percent(open.perCPUSecond, of: seal.perCPUSecond))
        } else {
            table.add("libsodium (symbol not found)", "n/a", "n/a", "")
        }
        Results.rawSeal = raw?.perCPUSecond

        // The Noise transport: one full frame (65519 bytes) per seal, opened from 256 KiB reads like a socket's.
        var (sender, _) = try NoiseBench.transportPair()
        let plaintext = [UInt8](repeating: 0x5a, count: NoiseTransport.maxPlaintext)
        var out: [UInt8] = []
        let sealRate = try timed(atLeast: seconds) {
            for _ in 0..<64 {
                out.removeAll(keepingCapacity: true)
                try sender.seal(plaintext, appendingTo: &out)
            }
            return Double(64 * plaintext.count)
        }
        table.add("NoiseTransport.seal, 65519-byte writes", mbps(sealRate.perWallSecond), mbps(sealRate.perCPUSecond),
                  raw.map { percent(sealRate.perCPUSecond, of: $0.perCPUSecond) } ?? "n/a")

        // Open: seal a batch untimed with a fresh pair (nonces advance in step), then time opening it.
        var receiver: NoiseTransport
        (sender, receiver) = try NoiseBench.transportPair()
        let batchFrames = 64
        var ciphertext: [UInt8] = []
        var plain: [UInt8] = []
        var openUnits = 0.0, openWall = 0.0, openCPU = 0.0
        while openWall < seconds {
            ciphertext.removeAll(keepingCapacity: true)
            for _ in 0..<batchFrames { try sender.seal(plaintext, appendingTo: &ciphertext) }
            let watch = Stopwatch()
            try ciphertext.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let end = min(offset + (256 << 10), all.count)
                    plain.removeAll(keepingCapacity: true)
                    try receiver.open(UnsafeRawBufferPointer(rebasing: all[offset..<end]), appendingTo: &plain)
                    offset = end
                }
            }
            openWall += watch.wallSeconds
            openCPU += watch.cpuSeconds
            openUnits += Double(batchFrames * plaintext.count)
        }
        let openRate = Sample(units: openUnits, wallSeconds: openWall, cpuSeconds: openCPU)
        table.add("NoiseTransport.open, 256 KiB reads", mbps(openRate.perWallSecond), mbps(openRate.perCPUSecond),
                  raw.map { percent(openRate.perCPUSecond, of: $0.perCPUSecond) } ?? "n/a")
        table.print()
        print()
        print("The seal rate is the ceiling of one stream: the sender seals every byte, the receiver opens it.")
        print()
        try ecdsaVerify(seconds: seconds)
    }

    /// ECDSA over SHA-256 (DER) on both short-Weierstrass curves, through `PublicKey.verify` like a pubsub
    /// message's signature: the test suites' vectors (py-libp2p's secp256k1 key, the spec's P-256 key).
    static func ecdsaVerify(seconds: Double) throws {
        let vectors: [(name: String, envelope: String, signature: String, message: String)] = [
            ("ECDSA verify secp256k1",
             "08021221025055a9bb983568fd788ef060bc6612e6bb3c265077d49bb6e2299ac35896a07a",
             "3045022100f386d94c59b4ed484f46a3387803e978df5bf403105931a435c5afa79967e93002201c11739b7f8aa7c5767a7bed6a55da271011bf77750f6d365bf87c8ed5c5a19d",
             "p2p-chat secp256k1 vector: ECDSA over SHA-256, DER"),
            ("ECDSA verify P-256",
             "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62",
             "304502207cfbb4448c9b48773566fabc387f994f12a2cc4e424617cb146da4d3cf29df8302210084590084ace6d1a1d697bd57f73dc87b4021462f503399aaa4e193ae90df076a",
             "p2p-chat ECDSA P-256 vector: ECDSA over SHA-256, DER"),
        ]
        var table = Table("operation (one thread)", "µs per verify (wall)", "µs per verify (CPU)")
        for vector in vectors {
            let key = try PublicKey(protobuf: [UInt8](hex: vector.envelope)!)
            let signature = [UInt8](hex: vector.signature)!, message = Array(vector.message.utf8)
            var failures = 0
            let rate = timed(atLeast: seconds) {
                for _ in 0..<16 {
                    if !key.verify(signature: signature, for: message) { failures += 1 }
                }
                return 16
            }
            table.add(vector.name + (failures > 0 ? " (FAILED)" : ""), fmt(1e6 / rate.perWallSecond), fmt(1e6 / rate.perCPUSecond))
        }
        table.print()
    }
}
