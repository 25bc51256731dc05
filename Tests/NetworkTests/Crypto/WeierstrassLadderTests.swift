import Testing
@testable import Network

/// `WeierstrassCurve.sum` (interleaved width-5 NAFs) against references built from the same group law: the plain
/// bit-by-bit Shamir ladder it replaced, and repeated additions for small scalars. Edge cases: zero scalars,
/// n − 1, scalars ≥ n, P = Q, P = −Q and the point at infinity.
@Suite struct WeierstrassLadderTests {
    static let curves: [String: WeierstrassCurve] = ["secp256k1": .secp256k1, "P-256": .p256]

    /// a·P + b·Q bit by bit, both scalars at once (the ladder before the NAFs); nil at infinity.
    static func referenceSum(_ curve: WeierstrassCurve, _ a: BigUInt, _ p: JacobianPoint,
                             _ b: BigUInt, _ q: JacobianPoint) -> JacobianPoint? {
        var result = JacobianPoint.infinity(in: curve.field)
        for i in stride(from: max(a.bitWidth, b.bitWidth) - 1, through: 0, by: -1) {
            result = curve.doubled(result)
            if a.bit(i) { result = curve.adding(result, p) }
            if b.bit(i) { result = curve.adding(result, q) }
        }
        return result.isInfinity ? nil : result
    }

    /// The affine (x, y) of a point, nil at infinity: Jacobian coordinates of one point differ by Z.
    static func affine(_ curve: WeierstrassCurve, _ point: JacobianPoint?) -> [BigUInt]? {
        guard let point, !point.isInfinity else { return nil }
        let f = curve.field
        let zInverse = f.inverse(point.Z), zInverse2 = f.multiply(zInverse, zInverse)
        return [f.value(f.multiply(point.X, zInverse2)), f.value(f.multiply(point.Y, f.multiply(zInverse2, zInverse)))]
    }

    static func minus(_ x: BigUInt, _ small: UInt32) -> BigUInt {
        var limbs = x.limbs
        Montgomery.subtract(&limbs, [small])
        return BigUInt(limbs: limbs)
    }

    static func small(_ k: UInt32) -> BigUInt { BigUInt(limbs: [k]) }

    @Test(arguments: ["secp256k1", "P-256"])
    func sumMatchesTheBitByBitLadder(name: String) throws {
        let curve = try #require(Self.curves[name])
        let g = curve.generator, n = curve.n
        var generator = Field256Tests.SplitMix64(state: 0xec ^ UInt64(name.utf8.count))
        func random() -> BigUInt { Field256Tests.random(&generator).bigUInt }
        let q = try #require(Self.referenceSum(curve, random(), g, Self.small(0), g), "Q = k·G")
        let all = BigUInt(limbs: [UInt32](repeating: ~0, count: 8))   // 2²⁵⁶ − 1
        var pairs: [(BigUInt, BigUInt)] = [
            (Self.small(0), random()), (random(), Self.small(0)), (Self.minus(n, 1), random()),
            (random(), Self.minus(n, 1)), (Self.minus(n, 1), Self.minus(n, 1)), (n, random()), (all, all),
            (Self.small(1), Self.small(1)), (Self.small(0x55555555), Self.small(0xaaaaaaab)),
        ]
        for _ in 0..<6 { pairs.append((random(), random())) }
        for (a, b) in pairs {
            #expect(Self.affine(curve, curve.sum(a, times: g, b, times: q))
                    == Self.affine(curve, Self.referenceSum(curve, a, g, b, q)), "\(a.limbs), \(b.limbs)")
        }
        #expect(curve.sum(Self.small(0), times: g, Self.small(0), times: q) == nil, "0·G + 0·Q")
        #expect(curve.sum(n, times: g, n, times: q) == nil, "n·G + n·Q")
    }

    /// P = Q and P = −Q: the additions meet equal and opposite points (`adding`'s doubling and infinity).
    @Test(arguments: ["secp256k1", "P-256"])
    func equalAndOppositePoints(name: String) throws {
        let curve = try #require(Self.curves[name])
        let g = curve.generator, minusG = g.negated(in: curve.field), n = curve.n
        var generator = Field256Tests.SplitMix64(state: 0x0dd ^ UInt64(name.utf8.count))
        for _ in 0..<3 {
            let a = Field256Tests.random(&generator).bigUInt, b = Field256Tests.random(&generator).bigUInt
            #expect(Self.affine(curve, curve.sum(a, times: g, b, times: g)) == Self.affine(curve, Self.referenceSum(curve, a, g, b, g)))
            #expect(Self.affine(curve, curve.sum(a, times: g, b, times: minusG))
                    == Self.affine(curve, Self.referenceSum(curve, a, g, b, minusG)))
            #expect(curve.sum(a, times: g, a, times: minusG) == nil, "a·G − a·G")
        }
        // (n − 1)·G = −G: plus G is infinity, plus −G is −2G.
        #expect(curve.sum(Self.minus(n, 1), times: g, Self.small(1), times: g) == nil)
        #expect(Self.affine(curve, curve.sum(Self.minus(n, 1), times: g, Self.small(1), times: minusG))
                == Self.affine(curve, curve.doubled(minusG)))
    }

    /// Small scalars against a·P + b·Q by repeated additions, with Q = 2G (so P + Q meets P = Q on the way).
    @Test(arguments: ["secp256k1", "P-256"])
    func smallScalarsMatchRepeatedAdditions(name: String) throws {
        let curve = try #require(Self.curves[name])
        let p = curve.generator, q = curve.doubled(p)
        let infinity = JacobianPoint.infinity(in: curve.field)
        var multiplesP = [infinity], multiplesQ = [infinity]   // k·P and k·Q for k = 0…40
        for _ in 0..<40 {
            multiplesP.append(curve.adding(multiplesP[multiplesP.count - 1], p))
            multiplesQ.append(curve.adding(multiplesQ[multiplesQ.count - 1], q))
        }
        for a in [0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 40] {
            for b in [0, 1, 7, 16, 23, 40] {
                let expected = curve.adding(multiplesP[a], multiplesQ[b])
                #expect(Self.affine(curve, curve.sum(Self.small(UInt32(a)), times: p, Self.small(UInt32(b)), times: q))
                        == Self.affine(curve, expected), "\(a)·G + \(b)·2G")
            }
        }
        // The point at infinity as P or Q: only the other term counts.
        #expect(Self.affine(curve, curve.sum(Self.small(5), times: infinity, Self.small(3), times: p))
                == Self.affine(curve, multiplesP[3]))
        #expect(Self.affine(curve, curve.sum(Self.small(5), times: p, Self.small(3), times: infinity))
                == Self.affine(curve, multiplesP[5]))
    }

    /// The recoding itself: digits 0 or odd below 16 in size, nonzero ones at least 5 apart, and Σ dᵢ·2ⁱ = k
    /// (exactly for small k, modulo n for 256-bit ones).
    @Test func nonAdjacentFormsAreWellFormedAndAddUp() {
        func wellFormed(_ digits: [Int8]) -> Bool {
            let nonzero = digits.indices.filter { digits[$0] != 0 }
            return nonzero.allSatisfy { digits[$0] % 2 != 0 && abs(Int(digits[$0])) < 16 }
                && zip(nonzero, nonzero.dropFirst()).allSatisfy { $1 - $0 >= WeierstrassCurve.window }
        }
        for k in 0..<2000 {
            let digits = WeierstrassCurve.nonAdjacentForm(Self.small(UInt32(k)))
            #expect(wellFormed(digits))
            #expect(digits.indices.reduce(0) { $0 + Int(digits[$1]) << $1 } == k, "\(k)")
        }
        let curve = WeierstrassCurve.secp256k1, n = curve.n, scalars = curve.scalars
        var generator = Field256Tests.SplitMix64(state: 0x4af)
        var values = [n, Self.minus(n, 1), BigUInt(limbs: [UInt32](repeating: ~0, count: 8)),
                      BigUInt(limbs: [UInt32](repeating: 0x7777_7777, count: 8))]
        for _ in 0..<20 { values.append(Field256Tests.random(&generator).bigUInt) }
        for k in values {
            let digits = WeierstrassCurve.nonAdjacentForm(k)
            #expect(wellFormed(digits))
            var sum = Field256.zero   // Horner, high digit first, mod n (out of Montgomery form: add and subtract only)
            for digit in digits.reversed() {
                sum = scalars.add(sum, sum)
                let size = Field256(w0: UInt64(abs(Int(digit))), w1: 0, w2: 0, w3: 0)
                sum = digit < 0 ? scalars.subtract(sum, size) : scalars.add(sum, size)
            }
            #expect(sum.bigUInt == k.reducedOnce(modulo: n), "\(k.limbs)")
        }
    }
}
