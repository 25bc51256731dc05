import Testing
@testable import Network

/// The group law of both curves (a = 0 and a = −3) against their published constants.
@Suite struct WeierstrassCurveTests {
    static let curves: [String: WeierstrassCurve] = ["secp256k1": .secp256k1, "P-256": .p256]
    /// x(2G): SEC 2 / FIPS 186-4 test data (and `cryptography`'s public key of the private key 2).
    static let twoGX = ["secp256k1": "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5",
                        "P-256": "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"]

    @Test(arguments: ["secp256k1", "P-256"])
    func theGeneratorTimesTheOrderIsInfinity(name: String) throws {
        let curve = try #require(Self.curves[name])
        let g = curve.generator
        #expect(curve.contains(x: try #require(curve.affineX(g)), y: curve.field.value(g.Y)))
        // n·G = ∞ and (n−1)·G + G = ∞: the group law and the ladder agree with the curve's order.
        #expect(curve.sum(curve.n, times: g, BigUInt(limbs: []), times: g) == nil)
        var nMinus1 = curve.n.limbs
        Montgomery.subtract(&nMinus1, [1])
        #expect(curve.sum(BigUInt(limbs: nMinus1), times: g, BigUInt(limbs: [1]), times: g) == nil)
        // 2G by the ladder (a doubling) and by G + G (the addition's equal case) has the known x.
        let twoG = BigUInt(bigEndian: [UInt8](hex: try #require(Self.twoGX[name]))!)
        #expect(curve.sum(BigUInt(limbs: [2]), times: g, BigUInt(limbs: []), times: g).flatMap(curve.affineX) == twoG)
        #expect(curve.sum(BigUInt(limbs: [1]), times: g, BigUInt(limbs: [1]), times: g).flatMap(curve.affineX) == twoG)
        // 3G: 2G + G, G + 2G and the ladder agree.
        let doubled = curve.doubled(g)
        let three = curve.adding(doubled, g), threeAgain = curve.adding(g, doubled)
        #expect(curve.affineX(three) == curve.affineX(threeAgain))
        #expect(curve.sum(BigUInt(limbs: [3]), times: g, BigUInt(limbs: []), times: g).flatMap(curve.affineX) == curve.affineX(three))
    }

    @Test func pointsOffTheCurveAreNotContained() {
        for curve in [WeierstrassCurve.secp256k1, .p256] {
            let gx = curve.affineX(curve.generator)!, gy = curve.field.value(curve.generator.Y)
            #expect(curve.contains(x: gx, y: gy))
            #expect(!curve.contains(x: gx, y: BigUInt(limbs: gy.limbs.isEmpty ? [1] : [gy.limbs[0] ^ 1] + gy.limbs.dropFirst())))
        }
    }

    /// `verify`'s inputs come from the network: out-of-range ones are a false verdict, never a trap (Field256
    /// holds 256 bits; a longer digest or a coordinate ≥ p would not fit).
    @Test func outOfRangeInputsAreFalseNotACrash() {
        for curve in [WeierstrassCurve.secp256k1, .p256] {
            let gx = curve.affineX(curve.generator)!, gy = curve.field.value(curve.generator.Y)
            let signature: [UInt8] = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]   // r = s = 1
            #expect(!curve.verify(signature: signature, digest: [UInt8](repeating: 0xff, count: 33), x: gx, y: gy))
            let huge = BigUInt(bigEndian: [0x01] + [UInt8](repeating: 0, count: 32))   // 2²⁵⁶
            #expect(!curve.verify(signature: signature, digest: [UInt8](repeating: 1, count: 32), x: huge, y: gy))
            #expect(!curve.verify(signature: signature, digest: [UInt8](repeating: 1, count: 32), x: gx, y: curve.p))
        }
    }
}
