import Testing
@testable import Network

/// `VerifyingKey` (our table-driven Ed25519 verify, `CEd25519`) against libsodium 1.0.18's
/// `crypto_sign_verify_detached`: on every input, valid or hostile, both must give the same answer.
@Suite struct VerifyingKeyTests {
    static func bytes(_ hex: String) -> [UInt8] { [UInt8](hex: hex)! }

    /// Cases where our answer differs from libsodium's, described; also counts libsodium's accepts.
    struct Comparison {
        var mismatches: [String] = []
        var accepted = 0
        var cases = 0

        mutating func check(_ key: [UInt8], _ message: [UInt8], _ signature: [UInt8], verifier: VerifyingKey? = nil,
                            _ what: @autoclosure () -> String) {
            let theirs = Sodium.ed25519Verify(signature, message, publicKey: key)
            let ours: Bool
            if let verifier {
                ours = verifier.verify(signature: signature, for: message)
            } else if let publicKey = try? PublicKey(ed25519: key) {
                ours = VerifyingKey(publicKey).verify(signature: signature, for: message)
            } else {
                ours = false
            }
            cases += 1
            if theirs { accepted += 1 }
            if ours != theirs, mismatches.count < 10 {
                mismatches.append("\(what()): libsodium \(theirs), ours \(ours); key \(key.hex) sig \(signature.hex)")
            }
        }
    }

    static func flip(_ bytes: [UInt8], bit: Int) -> [UInt8] {
        var out = bytes
        out[bit / 8] ^= 1 << UInt8(bit % 8)
        return out
    }

    static let shards = 4
    static let keysPerShard = 500
    static let messagesPerKey = 10

    /// 20,000 random (key, message, signature) triples over the shards: each verifies, and each again with one
    /// bit flipped in the signature, the message or the key (a flipped key gets its own `VerifyingKey`).
    @Test(arguments: 0..<shards)
    func randomTriplesVerifyAndSingleBitFlipsAgree(shard: Int) throws {
        var random = SplitMix64(seed: UInt64(shard) &* 0x1234_5678_9ABC)
        var valid = Comparison(), flipped = Comparison()
        var tables = 0
        for k in 0..<Self.keysPerShard {
            let key = try PrivateKey(seed: random.bytes(Sodium.ed25519SeedLength))
            let pk = key.publicKey.ed25519
            let verifier = VerifyingKey(key.publicKey)
            if verifier.hasTable { tables += 1 }
            for i in 0..<Self.messagesPerKey {
                let message = random.bytes(random.below(300))
                let signature = key.sign(message)
                valid.check(pk, message, signature, verifier: verifier, "valid \(k).\(i)")
                switch (k * Self.messagesPerKey + i) % 3 {
                case 0:
                    let bit = random.below(512)
                    flipped.check(pk, message, Self.flip(signature, bit: bit), verifier: verifier, "signature bit \(bit)")
                case 1 where !message.isEmpty:
                    let bit = random.below(message.count * 8)
                    flipped.check(pk, Self.flip(message, bit: bit), signature, verifier: verifier, "message bit \(bit)")
                default:
                    let bit = random.below(256)
                    flipped.check(Self.flip(pk, bit: bit), message, signature, "key bit \(bit)")
                }
            }
        }
        #expect(tables == Self.keysPerShard)
        #expect(valid.cases == Self.keysPerShard * Self.messagesPerKey)
        #expect(valid.accepted == valid.cases)
        #expect(valid.mismatches.isEmpty, "\(valid.mismatches)")
        #expect(flipped.accepted == 0)
        #expect(flipped.mismatches.isEmpty, "\(flipped.mismatches)")
    }

    /// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    static let groupOrder = bytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

    /// Little-endian 256-bit a + b (no overflow for the scalars used here).
    static func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var carry = 0
        for i in 0..<32 {
            let sum = Int(a[i]) + Int(b[i]) + carry
            out[i] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        return out
    }

    /// A few signed messages to tamper with.
    static func samples(_ count: Int, seed: UInt64) throws -> [(key: PrivateKey, message: [UInt8], signature: [UInt8])] {
        var random = SplitMix64(seed: seed)
        return try (0..<count).map { _ in
            let key = try PrivateKey(seed: random.bytes(Sodium.ed25519SeedLength))
            let message = random.bytes(200)
            return (key, message, key.sign(message))
        }
    }

    @Test func nonCanonicalAndOversizedScalarsAgree() throws {
        var comparison = Comparison()
        for (key, message, signature) in try Self.samples(50, seed: 7) {
            let verifier = VerifyingKey(key.publicKey)
            let r = Array(signature[..<32]), s = Array(signature[32...])
            var variants: [(String, [UInt8])] = [
                ("s + L", Self.add(s, Self.groupOrder)),
                ("s + 2L", Self.add(Self.add(s, Self.groupOrder), Self.groupOrder)),
                ("s = L", Self.groupOrder),
                ("s = L - 1", Self.add(Self.groupOrder, [UInt8](repeating: 0xFF, count: 32))),   // wraps mod 2^256
                ("s = 0", [UInt8](repeating: 0, count: 32)),
            ]
            for high: UInt8 in [0x10, 0x20, 0x40, 0x80, 0xE0, 0xF0] {
                var t = s
                t[31] |= high
                variants.append(("s | \(high) << 248", t))
            }
            for (name, scalar) in variants {
                comparison.check(key.publicKey.ed25519, message, r + scalar, verifier: verifier, name)
            }
        }
        #expect(comparison.accepted == 0)
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches)")
    }

    /// Canonical encodings of the 8 points of small order, then non-canonical ones (y = p, p + 1, sign bit
    /// on y = 1 or -1) that libsodium's block list also catches.
    static let smallOrderEncodings = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ].map(bytes)

    @Test func smallOrderAndForeignRAgree() throws {
        var comparison = Comparison()
        let samples = try Self.samples(20, seed: 11)
        for (n, (key, message, signature)) in samples.enumerated() {
            let verifier = VerifyingKey(key.publicKey)
            let s = Array(signature[32...])
            for (i, r) in Self.smallOrderEncodings.enumerated() {
                comparison.check(key.publicKey.ed25519, message, r + s, verifier: verifier, "small-order R #\(i)")
            }
            // R = a valid point that is not R': another signature's R, the key itself, the base point.
            let other = samples[(n + 1) % samples.count].signature
            let base = Self.bytes("5866666666666666666666666666666666666666666666666666666666666666")
            for r in [Array(other[..<32]), key.publicKey.ed25519, base] {
                comparison.check(key.publicKey.ed25519, message, r + s, verifier: verifier, "foreign R")
            }
        }
        #expect(comparison.accepted == 0)
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches)")
    }

    /// R = the identity's encoding and s = h·a mod L, so that R' = [s]B - [h]A is the identity and encodes to R
    /// exactly: libsodium rejects R for its small order, and so must we (our [8]R' check, not the byte compare).
    @Test func identityRThatMatchesRPrimeIsRejected() throws {
        let key = try PublicKey(ed25519: Self.bytes("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"))
        let message = Array("identity R".utf8)
        let signature = Self.bytes("0100000000000000000000000000000000000000000000000000000000000000"
                                   + "3bc81f0220770a3f2c47b800b260fcd86ceeaf22d669604ee46fb462e2abda07")
        let verifier = VerifyingKey(key)
        #expect(verifier.hasTable)
        #expect(!key.verify(signature: signature, for: message))
        #expect(!verifier.verify(signature: signature, for: message))
    }

    /// `precomputeAfter`: the first verifies go to libsodium, the table comes with the next one; answers agree
    /// before and after.
    @Test func tableIsBuiltAfterTheFirstVerifies() throws {
        let (key, message, signature) = try Self.samples(1, seed: 21)[0]
        let verifier = VerifyingKey(key.publicKey, precomputeAfter: 2)
        var forged = signature
        forged[5] ^= 1
        for round in 0..<4 {
            #expect(verifier.hasTable == (round >= 2), "round \(round)")
            #expect(verifier.verify(signature: signature, for: message))
            #expect(!verifier.verify(signature: forged, for: message))
        }
        #expect(verifier.hasTable)
    }

    /// Keys that get no table (small order, non-canonical, off the curve, mixed order): libsodium verifies.
    @Test func keysWithoutTableFallBackToLibsodium() throws {
        var comparison = Comparison()
        let (_, message, signature) = try Self.samples(1, seed: 13)[0]
        var refused = Self.smallOrderEncodings
        refused += ["f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",   // y = p + 3
                    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"].map(Self.bytes)
        var random = SplitMix64(seed: 17)
        for _ in 0..<200 { refused.append(random.bytes(32)) }
        var tables = 0
        for key in refused {
            let verifier = VerifyingKey(try PublicKey(ed25519: key))
            if verifier.hasTable { tables += 1; continue }   // a random string can be a valid key (~1/16)
            comparison.check(key, message, signature, verifier: verifier, "refused key")
        }
        #expect(tables < 40)
        // A + T (T of order 8) signed so that [h]T = 0: libsodium 1.0.18 accepts; so must we, through the fallback.
        let mixed = try PublicKey(ed25519: Self.bytes("b502ff3d92e31d8190b4aa4ea0414005167fad089c4de9dac8a2fc850fed4f58"))
        let mixedMessage = Array("mixed order 8".utf8)
        let mixedSignature = Self.bytes("c10a15823bddf3d306e5ad246dfa145368e2c050764faff4f5048bc58ed98d8c"
                                        + "e9b8be36921be594d636b0f6ffcb6c78c29bc0f37d214fc073e03ff5bb854b08")
        let verifier = VerifyingKey(mixed)
        #expect(!verifier.hasTable)
        #expect(mixed.verify(signature: mixedSignature, for: mixedMessage))
        #expect(verifier.verify(signature: mixedSignature, for: mixedMessage))
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches)")
    }

    /// RFC 8032 §7.1, TEST 1–3: (secret seed, public key, message, signature).
    static let rfc8032 = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
            + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    @Test(arguments: 0..<3)
    func rfc8032Vectors(index: Int) throws {
        let (seed, pk, message, signature) = Self.rfc8032[index]
        let key = try PrivateKey(seed: Self.bytes(seed))
        #expect(key.publicKey.ed25519.hex == pk)
        #expect(key.sign(Self.bytes(message)).hex == signature)
        let verifier = VerifyingKey(key.publicKey)
        #expect(verifier.hasTable)
        #expect(verifier.verify(signature: Self.bytes(signature), for: Self.bytes(message)))
        var comparison = Comparison()
        for bit in stride(from: 0, to: 512, by: 7) {
            comparison.check(Self.bytes(pk), Self.bytes(message), Self.flip(Self.bytes(signature), bit: bit),
                             verifier: verifier, "RFC \(index + 1) signature bit \(bit)")
        }
        #expect(comparison.accepted == 0)
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches)")
    }

    @Test(arguments: [0, 1, 200, 16 * 1024])
    func messageLengths(length: Int) throws {
        var random = SplitMix64(seed: UInt64(length))
        let key = try PrivateKey(seed: random.bytes(Sodium.ed25519SeedLength))
        let verifier = VerifyingKey(key.publicKey)
        let message = random.bytes(length)
        let signature = key.sign(message)
        var comparison = Comparison()
        comparison.check(key.publicKey.ed25519, message, signature, verifier: verifier, "length \(length)")
        if length > 0 {
            for bit in [0, length * 8 - 1, random.below(length * 8)] {
                comparison.check(key.publicKey.ed25519, Self.flip(message, bit: bit), signature, verifier: verifier, "bit \(bit)")
            }
        }
        comparison.check(key.publicKey.ed25519, message + [0], signature, verifier: verifier, "one byte longer")
        #expect(comparison.accepted == 1)
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches)")
    }

    @Test func wrongSignatureLengthsAreRejected() throws {
        let (key, message, signature) = try Self.samples(1, seed: 19)[0]
        let verifier = VerifyingKey(key.publicKey)
        for bad in [[], Array(signature.dropLast()), signature + [0]] {
            #expect(!verifier.verify(signature: bad, for: message))
        }
    }
}

private extension SplitMix64 {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
