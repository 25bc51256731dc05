/// A curve point in Jacobian coordinates (x = X/Z², y = Y/Z³), each in Montgomery form modulo the curve's p;
/// Z = 0 is the point at infinity. The arithmetic is `WeierstrassCurve`'s (+Arithmetic), which knows a.
struct JacobianPoint: Sendable {
    var X: Field256, Y: Field256, Z: Field256

    /// The affine point (x, y), both below p.
    init(affine x: BigUInt, _ y: BigUInt, in field: Montgomery256) {
        X = field.toMontgomery(x)
        Y = field.toMontgomery(y)
        Z = field.one
    }

    init(X: Field256, Y: Field256, Z: Field256) { self.X = X; self.Y = Y; self.Z = Z }

    static func infinity(in field: Montgomery256) -> JacobianPoint { JacobianPoint(X: field.one, Y: field.one, Z: .zero) }
    var isInfinity: Bool { Z.isZero }

    /// −P = (X, −Y, Z): the mirror image in the x axis.
    func negated(in field: Montgomery256) -> JacobianPoint { JacobianPoint(X: X, Y: field.subtract(.zero, Y), Z: Z) }
}
