import Testing
@testable import Network

/// `Montgomery256` (the fixed-size field of `WeierstrassCurve`) against the array-based `Montgomery` RSA uses:
/// both have R = 2²⁵⁶ for a 256-bit modulus, so their Montgomery forms are the same numbers. Every modulus the
/// curves use (p and n of secp256k1 and P-256), on edge values and seeded pseudo-random ones.
@Suite struct Field256Tests {
    static let moduli: [String: BigUInt] = [
        "secp256k1 p": WeierstrassCurve.secp256k1.p, "secp256k1 n": WeierstrassCurve.secp256k1.n,
        "P-256 p": WeierstrassCurve.p256.p, "P-256 n": WeierstrassCurve.p256.n,
    ]

    /// SplitMix64: reproducible values, so a failure can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ z >> 30) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ z >> 27) &* 0x94d0_49bb_1331_11eb
            return z ^ z >> 31
        }
    }

    static func random(_ generator: inout SplitMix64) -> Field256 {
        Field256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
    }

    /// 0, 1, 2, m − 2, m − 1, 2²⁵⁵, 2²⁵⁵ + 1 (the last four ≥ 2²⁵⁵), then random values below m (most of them
    /// ≥ 2²⁵⁵ too: every m here is close to 2²⁵⁶); `count` in all.
    static func values(below m: BigUInt, count: Int, seed: UInt64) -> [Field256] {
        let modulus = Field256(m)
        let top = Field256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)
        var values: [Field256] = [.zero, .one, Field256(w0: 2, w1: 0, w2: 0, w3: 0),
                                  Field256.subtracting(modulus, Field256(w0: 2, w1: 0, w2: 0, w3: 0)).difference,
                                  Field256.subtracting(modulus, .one).difference, top, Field256.adding(top, .one).sum]
        var generator = SplitMix64(state: seed)
        while values.count < count {
            let candidate = random(&generator)
            if candidate < modulus { values.append(candidate) }
        }
        return values
    }

    static func limbs(_ x: Field256) -> [UInt32] { x.bigUInt.limbs.padded(8) }

    @Test(arguments: ["secp256k1 p", "secp256k1 n", "P-256 p", "P-256 n"])
    func theConstantsMatchTheArrayMontgomery(name: String) throws {
        let m = try #require(Self.moduli[name])
        let field = Montgomery256(modulus: m), reference = Montgomery(modulus: m.limbs)
        #expect(Self.limbs(field.rSquared) == reference.rSquared)
        #expect(Self.limbs(field.one) == reference.one)
        #expect(Field256(m).w0 &* field.mPrime == ~0, "m·m′ ≡ −1 (mod 2⁶⁴)")
        #expect(Field256(m).bigUInt == m, "BigUInt → Field256 → BigUInt")
    }

    @Test(arguments: ["secp256k1 p", "secp256k1 n", "P-256 p", "P-256 n"])
    func multiplyAddSubtractAgreeWithTheArrayMontgomery(name: String) throws {
        let m = try #require(Self.moduli[name])
        let field = Montgomery256(modulus: m), reference = Montgomery(modulus: m.limbs)
        let values = Self.values(below: m, count: 24, seed: 0x5eed ^ UInt64(name.utf8.count))
        for a in values {
            for b in values {
                let (la, lb) = (Self.limbs(a), Self.limbs(b))
                #expect(Self.limbs(field.multiply(a, b)) == reference.multiply(la, lb), "\(a) · \(b)")
                #expect(Self.limbs(field.add(a, b)) == reference.add(la, lb), "\(a) + \(b)")
                #expect(Self.limbs(field.subtract(a, b)) == reference.subtract(la, lb), "\(a) − \(b)")
            }
            #expect(field.value(field.toMontgomery(a.bigUInt)) == a.bigUInt, "in and out of Montgomery form")
            #expect(Self.limbs(field.toMontgomery(a.bigUInt)) == reference.toMontgomery(a.bigUInt))
        }
    }

    @Test(arguments: ["secp256k1 p", "secp256k1 n", "P-256 p", "P-256 n"])
    func inversesAgreeWithTheArrayMontgomery(name: String) throws {
        let m = try #require(Self.moduli[name])
        let field = Montgomery256(modulus: m), reference = Montgomery(modulus: m.limbs)
        for a in Self.values(below: m, count: 12, seed: 0x1_0000 ^ UInt64(name.utf8.count)) where !a.isZero {
            let inverse = field.inverse(a)
            #expect(field.multiply(a, inverse) == field.one, "a · a⁻¹ = 1 for \(a)")
            #expect(Self.limbs(inverse) == reference.inverse(Self.limbs(a)))
        }
    }

    /// Values at or above m (a digest, an x coordinate) are reduced on the way into Montgomery form.
    @Test(arguments: ["secp256k1 p", "secp256k1 n", "P-256 p", "P-256 n"])
    func valuesAboveTheModulusAreReduced(name: String) throws {
        let m = try #require(Self.moduli[name])
        let field = Montgomery256(modulus: m)
        let all = Field256(w0: ~0, w1: ~0, w2: ~0, w3: ~0)
        for x in [Field256(m), Field256.adding(Field256(m), .one).sum, all] {
            #expect(field.value(field.toMontgomery(x.bigUInt)) == x.bigUInt.reducedOnce(modulo: m))
        }
    }
}
