/// A short Weierstrass curve y² = x³ + a·x + b over the prime field of p, with a base point G of prime order n,
/// and ECDSA verification on it: the arithmetic under `Secp256k1PublicKey` (a = 0) and `ECDSAPublicKey`
/// (NIST P-256, a = −3). Coordinates live in Montgomery form modulo p (`field`), scalars modulo n (`scalars`),
/// both as fixed-size `Field256`s (`Montgomery256`: no heap allocation per field operation).
/// Verification only, on public values: nothing here needs constant time.
///
///     signature (DER):  30 ‥ { 02 ‥ r, 02 ‥ s }         strict DER, 1 ≤ r, s < n
///     valid when        x(u₁·G + u₂·Q) mod n = r, with z = SHA-256(message), w = s⁻¹, u₁ = z·w, u₂ = r·w (mod n)
///
/// Both curves have 256-bit p and n with p < 2n, so a SHA-256 digest is used whole (no truncation) and one
/// subtraction reduces z, or an x coordinate, modulo n.
struct WeierstrassCurve: Sendable {
    /// The a coefficient: the two values the curves in use have, each with its doubling shortcut.
    enum A: Sendable { case zero, minusThree }

    let p: BigUInt
    let n: BigUInt
    let a: A
    let field: Montgomery256
    let scalars: Montgomery256
    /// b, in Montgomery form.
    let b: Field256
    let generator: JacobianPoint

    init(p: String, n: String, a: A, b: String, gx: String, gy: String) {
        self.p = BigUInt(bigEndian: Self.hex(p))
        self.n = BigUInt(bigEndian: Self.hex(n))
        self.a = a
        field = Montgomery256(modulus: self.p)
        scalars = Montgomery256(modulus: self.n)
        self.b = field.toMontgomery(BigUInt(bigEndian: Self.hex(b)))
        generator = JacobianPoint(affine: BigUInt(bigEndian: Self.hex(gx)), BigUInt(bigEndian: Self.hex(gy)), in: field)
    }

    private static func hex(_ text: String) -> [UInt8] { [UInt8](hex: text)! }

    /// x³ + a·x + b for x in Montgomery form.
    func rightHandSide(_ x: Field256) -> Field256 {
        let f = field
        var rhs = f.add(f.multiply(f.multiply(x, x), x), b)
        if a == .minusThree { rhs = f.subtract(rhs, f.add(f.add(x, x), x)) }
        return rhs
    }

    /// Whether the affine (x, y), both already below p, satisfies the curve equation.
    func contains(x: BigUInt, y: BigUInt) -> Bool {
        let ym = field.toMontgomery(y)
        return field.multiply(ym, ym) == rightHandSide(field.toMontgomery(x))
    }

    /// Whether `signature` (DER) is the ECDSA signature of `digest` (32 bytes) by the key Q = (x, y), a point of
    /// the curve other than infinity (callers check it when they parse the key).
    func verify(signature: [UInt8], digest: [UInt8], x: BigUInt, y: BigUInt) -> Bool {
        guard digest.count <= 32, let (r, s) = Self.parse(signature), r < n, s < n, !r.limbs.isEmpty, !s.limbs.isEmpty,
              x < p, y < p else { return false }   // else Field256 would not hold them
        let zm = scalars.toMontgomery(BigUInt(bigEndian: digest).reducedOnce(modulo: n))   // z < 2²⁵⁶ < 2n
        let w = scalars.inverse(scalars.toMontgomery(s))
        let u1 = scalars.value(scalars.multiply(zm, w))
        let u2 = scalars.value(scalars.multiply(scalars.toMontgomery(r), w))
        let q = JacobianPoint(affine: x, y, in: field)
        guard let point = sum(u1, times: generator, u2, times: q), let px = affineX(point) else { return false }
        return px.reducedOnce(modulo: n) == r   // x < p < 2n
    }

    /// (r, s) from `30 L 02 L r 02 L s`, strict DER (minimal lengths, positive integers, nothing after), each at
    /// most 32 bytes.
    static func parse(_ der: [UInt8]) -> (BigUInt, BigUInt)? {
        var outer = DERReader(der[...], failure: .malformedKeyEnvelope)   // the error is dropped: a bad signature is false
        guard var sequence = try? outer.read(tag: 0x30), outer.isEmpty,
              let r = try? sequence.readPositiveInteger(), let s = try? sequence.readPositiveInteger(), sequence.isEmpty,
              r.count <= 32, s.count <= 32 else { return nil }
        return (BigUInt(bigEndian: Array(r)), BigUInt(bigEndian: Array(s)))
    }
}

extension WeierstrassCurve {
    /// secp256k1 (SEC 2 §2.4.1): y² = x³ + 7.
    static let secp256k1 = WeierstrassCurve(
        p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        n: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        a: .zero, b: "07",
        gx: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        gy: "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")

    /// NIST P-256 = prime256v1 = secp256r1 (FIPS 186-4 §D.1.2.3, SEC 2 §2.4.2): y² = x³ − 3x + b.
    static let p256 = WeierstrassCurve(
        p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        a: .minusThree, b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
}
