/// A curve point in Jacobian coordinates (x = X/Z², y = Y/Z³), each in Montgomery form modulo the curve's p;
/// Z = 0 is the point at infinity. The arithmetic is `WeierstrassCurve`'s (+Arithmetic), which knows a.
struct JacobianPoint: Sendable {
    var X: [UInt32], Y: [UInt32], Z: [UInt32]

    /// The affine point (x, y), both below p.
    init(affine x: BigUInt, _ y: BigUInt, in field: Montgomery) {
        X = field.toMontgomery(x)
        Y = field.toMontgomery(y)
        Z = field.one
    }

    init(X: [UInt32], Y: [UInt32], Z: [UInt32]) { self.X = X; self.Y = Y; self.Z = Z }

    static func infinity(in field: Montgomery) -> JacobianPoint { JacobianPoint(X: field.one, Y: field.one, Z: field.zero) }
    var isInfinity: Bool { Z.allSatisfy { $0 == 0 } }
}
