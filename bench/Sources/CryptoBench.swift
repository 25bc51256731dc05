#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Network

/// (a) ChaCha20-Poly1305 IETF: libsodium's own rate on 64 KiB buffers, against the Noise transport built
/// on it. libsodium's seal rate is the ceiling for one stream: every byte is sealed once by the sender
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
    }
}
