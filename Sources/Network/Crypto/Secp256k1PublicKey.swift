/// A secp256k1 public key as libp2p carries it (the 33-byte compressed point), for checking ECDSA signatures
/// over SHA-256 in DER — what go-, rust- and py-libp2p sign with a secp256k1 identity (`16Uiu2…` PeerIDs).
/// Verification only, on public values: nothing here needs constant time.
///
///     key:        02|03 ‖ x (32 bytes, big-endian)          y² = x³ + 7 over p; the prefix is y's parity
///     signature:  30 ‥ { 02 ‥ r, 02 ‥ s }                  1 ≤ r, s < n
///     valid when  x(u₁·G + u₂·Q) mod n = r, with z = SHA-256(message), w = s⁻¹, u₁ = z·w, u₂ = r·w (mod n)
public struct Secp256k1PublicKey: Hashable, Sendable {
    /// The compressed point, as received.
    public let compressed: [UInt8]
    /// Q in affine coordinates, out of Montgomery form.
    let x: BigUInt, y: BigUInt

    public init(compressed bytes: [UInt8]) throws {
        guard bytes.count == 33, bytes[0] == 2 || bytes[0] == 3 else { throw KeyError.malformedSecp256k1Key }
        let x = BigUInt(bigEndian: Array(bytes[1...]))
        guard x < Curve.p else { throw KeyError.malformedSecp256k1Key }
        let f = Curve.field
        let xm = f.toMontgomery(x)
        let rhs = f.add(f.multiply(f.multiply(xm, xm), xm), Curve.sevenM)   // x³ + 7
        // p ≡ 3 (mod 4): a square root of rhs is rhs^((p+1)/4), if rhs is a square at all.
        var root = Curve.field.one
        for i in stride(from: Curve.sqrtExponent.bitWidth - 1, through: 0, by: -1) {
            root = f.multiply(root, root)
            if Curve.sqrtExponent.bit(i) { root = f.multiply(root, rhs) }
        }
        guard f.multiply(root, root) == rhs else { throw KeyError.malformedSecp256k1Key }   // not on the curve
        var y = f.value(root)
        if y.bit(0) != (bytes[0] == 3) { y = BigUInt(limbs: f.subtract(Curve.p.limbs, y.limbs.padded(8))) }
        self.compressed = bytes
        self.x = x
        self.y = y
    }

    public static func == (a: Self, b: Self) -> Bool { a.compressed == b.compressed }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressed) }

    /// Whether `signature` (DER) is this key's ECDSA signature over SHA-256(`message`).
    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        guard let (r, s) = Self.parse(signature), r < Curve.n, s < Curve.n,
              !r.limbs.isEmpty, !s.limbs.isEmpty else { return false }
        let scalars = Curve.scalars
        let z = BigUInt(bigEndian: Sodium.sha256(message))
        let zm = scalars.toMontgomery(z.reducedOnce(modulo: Curve.n))   // z < 2²⁵⁶ < 2n
        let w = scalars.inverse(scalars.toMontgomery(s))
        let u1 = scalars.value(scalars.multiply(zm, w))
        let u2 = scalars.value(scalars.multiply(scalars.toMontgomery(r), w))
        guard let point = JacobianPoint.sum(u1, times: Curve.generator, u2, times: JacobianPoint(affine: x, y))?.affineX()
        else { return false }
        return point.reducedOnce(modulo: Curve.n) == r   // x < p < 2n
    }

    /// (r, s) from `30 L 02 L r 02 L s`, strict DER (minimal lengths, positive integers, nothing after).
    static func parse(_ der: [UInt8]) -> (BigUInt, BigUInt)? {
        var outer = DERReader(der[...])
        guard var sequence = try? outer.read(tag: 0x30), outer.isEmpty,
              let r = try? sequence.readPositiveInteger(), let s = try? sequence.readPositiveInteger(), sequence.isEmpty,
              r.count <= 32, s.count <= 32 else { return nil }
        return (BigUInt(bigEndian: Array(r)), BigUInt(bigEndian: Array(s)))
    }
}

/// secp256k1's constants, and Montgomery arithmetic modulo p (coordinates) and n (scalars).
enum Curve {
    static let p = BigUInt(bigEndian: hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"))
    static let n = BigUInt(bigEndian: hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))
    static let field = Montgomery(modulus: p.limbs)
    static let scalars = Montgomery(modulus: n.limbs)
    static let sevenM = field.toMontgomery(BigUInt(limbs: [7]))
    /// (p + 1) / 4.
    static let sqrtExponent = BigUInt(bigEndian: hex("3fffffffffffffffffffffffffffffffffffffffffffffffffffffffbfffff0c"))
    static let generator = JacobianPoint(
        affine: BigUInt(bigEndian: hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")),
        BigUInt(bigEndian: hex("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")))

    static func hex(_ text: String) -> [UInt8] { [UInt8](hex: text)! }
}

/// A point of y² = x³ + 7 in Jacobian coordinates (x = X/Z², y = Y/Z³), Montgomery form; Z = 0 is infinity.
struct JacobianPoint {
    var X: [UInt32], Y: [UInt32], Z: [UInt32]

    init(affine x: BigUInt, _ y: BigUInt) {
        X = Curve.field.toMontgomery(x)
        Y = Curve.field.toMontgomery(y)
        Z = Curve.field.one
    }

    private init(X: [UInt32], Y: [UInt32], Z: [UInt32]) { self.X = X; self.Y = Y; self.Z = Z }

    static var infinity: JacobianPoint { JacobianPoint(X: Curve.field.one, Y: Curve.field.one, Z: Curve.field.zero) }
    var isInfinity: Bool { Z.allSatisfy { $0 == 0 } }

    /// 2P (dbl-2009-l, a = 0).
    func doubled() -> JacobianPoint {
        let f = Curve.field
        if isInfinity || Y.allSatisfy({ $0 == 0 }) { return .infinity }
        let a = f.multiply(X, X), b = f.multiply(Y, Y), c = f.multiply(b, b)
        let xb = f.add(X, b)
        var d = f.subtract(f.subtract(f.multiply(xb, xb), a), c)
        d = f.add(d, d)
        let e = f.add(f.add(a, a), a)
        let ff = f.multiply(e, e)
        let x3 = f.subtract(ff, f.add(d, d))
        var c8 = f.add(c, c); c8 = f.add(c8, c8); c8 = f.add(c8, c8)
        let y3 = f.subtract(f.multiply(e, f.subtract(d, x3)), c8)
        let yz = f.multiply(Y, Z)
        return JacobianPoint(X: x3, Y: y3, Z: f.add(yz, yz))
    }

    /// P + Q (add-2007-bl), with the equal and opposite cases.
    func adding(_ q: JacobianPoint) -> JacobianPoint {
        if isInfinity { return q }
        if q.isInfinity { return self }
        let f = Curve.field
        let z1z1 = f.multiply(Z, Z), z2z2 = f.multiply(q.Z, q.Z)
        let u1 = f.multiply(X, z2z2), u2 = f.multiply(q.X, z1z1)
        let s1 = f.multiply(f.multiply(Y, q.Z), z2z2), s2 = f.multiply(f.multiply(q.Y, Z), z1z1)
        let h = f.subtract(u2, u1)
        var r = f.subtract(s2, s1)
        if h.allSatisfy({ $0 == 0 }) { return r.allSatisfy({ $0 == 0 }) ? doubled() : .infinity }
        let h2 = f.add(h, h)
        let i = f.multiply(h2, h2)
        let j = f.multiply(h, i)
        r = f.add(r, r)
        let v = f.multiply(u1, i)
        let x3 = f.subtract(f.subtract(f.multiply(r, r), j), f.add(v, v))
        let s1j = f.multiply(s1, j)
        let y3 = f.subtract(f.multiply(r, f.subtract(v, x3)), f.add(s1j, s1j))
        let zs = f.add(Z, q.Z)
        let z3 = f.multiply(f.subtract(f.subtract(f.multiply(zs, zs), z1z1), z2z2), h)
        return JacobianPoint(X: x3, Y: y3, Z: z3)
    }

    /// a·P + b·Q, both ladders at once (Shamir's trick); nil at infinity.
    static func sum(_ a: BigUInt, times p: JacobianPoint, _ b: BigUInt, times q: JacobianPoint) -> JacobianPoint? {
        let both = p.adding(q)
        var result = JacobianPoint.infinity
        for i in stride(from: max(a.bitWidth, b.bitWidth) - 1, through: 0, by: -1) {
            result = result.doubled()
            switch (a.bit(i), b.bit(i)) {
            case (true, true): result = result.adding(both)
            case (true, false): result = result.adding(p)
            case (false, true): result = result.adding(q)
            case (false, false): break
            }
        }
        return result.isInfinity ? nil : result
    }

    /// The affine x = X / Z², out of Montgomery form.
    func affineX() -> BigUInt? {
        guard !isInfinity else { return nil }
        let f = Curve.field
        let zInverse = f.inverse(Z)
        return f.value(f.multiply(X, f.multiply(zInverse, zInverse)))
    }
}

extension Array where Element == UInt32 {
    /// Zero-extended to `count` limbs.
    func padded(_ count: Int) -> [UInt32] { self.count >= count ? self : self + [UInt32](repeating: 0, count: count - self.count) }
}
