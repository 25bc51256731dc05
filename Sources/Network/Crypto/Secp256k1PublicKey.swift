/// A secp256k1 public key as libp2p carries it (the 33-byte compressed point), for checking ECDSA signatures
/// over SHA-256 in DER — what go-, rust- and py-libp2p sign with a secp256k1 identity (`16Uiu2…` PeerIDs).
/// The curve and the signature check are `WeierstrassCurve.secp256k1`'s. Verification only, on public values.
///
///     key:        02|03 ‖ x (32 bytes, big-endian)          y² = x³ + 7 over p; the prefix is y's parity
///     signature:  30 ‥ { 02 ‥ r, 02 ‥ s }                  1 ≤ r, s < n (see `WeierstrassCurve`)
public struct Secp256k1PublicKey: Hashable, Sendable {
    /// The compressed point, as received.
    public let compressed: [UInt8]
    /// Q in affine coordinates, out of Montgomery form.
    let x: BigUInt, y: BigUInt

    static var curve: WeierstrassCurve { .secp256k1 }
    /// (p + 1) / 4: p ≡ 3 (mod 4), so a square root of v, if v is a square, is v^((p+1)/4).
    static let sqrtExponent = BigUInt(bigEndian: [UInt8](hex: "3fffffffffffffffffffffffffffffffffffffffffffffffffffffffbfffff0c")!)

    public init(compressed bytes: [UInt8]) throws {
        guard bytes.count == 33, bytes[0] == 2 || bytes[0] == 3 else { throw KeyError.malformedSecp256k1Key }
        let curve = Self.curve, f = curve.field
        let x = BigUInt(bigEndian: Array(bytes[1...]))
        guard x < curve.p else { throw KeyError.malformedSecp256k1Key }
        let rhs = curve.rightHandSide(f.toMontgomery(x))   // x³ + 7
        let root = f.power(rhs, Field256(Self.sqrtExponent))
        guard f.multiply(root, root) == rhs else { throw KeyError.malformedSecp256k1Key }   // not on the curve
        var y = f.value(root)
        if y.bit(0) != (bytes[0] == 3) {   // the other root, p − y
            var negated = curve.p.limbs
            Montgomery.subtract(&negated, y.limbs)
            y = BigUInt(limbs: negated)
        }
        self.compressed = bytes
        self.x = x
        self.y = y
    }

    public static func == (a: Self, b: Self) -> Bool { a.compressed == b.compressed }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressed) }

    /// Whether `signature` (DER) is this key's ECDSA signature over SHA-256(`message`).
    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        Self.curve.verify(signature: signature, digest: Sodium.sha256(message), x: x, y: y)
    }
}

extension Array where Element == UInt32 {
    /// Zero-extended to `count` limbs.
    func padded(_ count: Int) -> [UInt32] { self.count >= count ? self : self + [UInt32](repeating: 0, count: count - self.count) }
}
