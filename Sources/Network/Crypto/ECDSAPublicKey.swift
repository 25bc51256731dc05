/// An ECDSA public key on NIST P-256 as libp2p carries it (KeyType 3, "ECDSA"; go-libp2p's default ECDSA curve
/// and the only one rust-libp2p has), for checking its DER signatures over SHA-256. Such peers have `Qm…`
/// PeerIDs (the key envelope is 95 bytes, so the PeerID is its SHA-256). Verification only, on public values.
///
/// `PublicKey.Data` is a PKIX SubjectPublicKeyInfo in DER (go's `x509.MarshalPKIXPublicKey`, 91 bytes):
///
///     30 59 SEQUENCE
///        30 13 SEQUENCE  06 07 2a8648ce3d0201 (id-ecPublicKey)  06 08 2a8648ce3d030107 (namedCurve prime256v1)
///        03 42 BIT STRING  00 (no unused bits)  04 ‖ x (32 bytes) ‖ y (32 bytes)     y² = x³ − 3x + b over p
///
/// Only the uncompressed point (04) is accepted: it is what go, rust and the spec's vector send, and go's
/// x509 parser refuses the compressed forms (02/03), so no peer could use one with go anyway. Other curves
/// (P-384, P-521, secp256k1 under this OID, …) throw `unsupportedECDSACurve`; explicit curve parameters
/// instead of a named curve are malformed. Signatures: see `WeierstrassCurve`.
public struct ECDSAPublicKey: Hashable, Sendable {
    /// The SubjectPublicKeyInfo, as received (the PeerID hashes the envelope around these bytes).
    public let der: [UInt8]
    /// Q in affine coordinates, out of Montgomery form: on the curve, so not infinity.
    let x: BigUInt, y: BigUInt

    static var curve: WeierstrassCurve { .p256 }

    public init(der: [UInt8]) throws {
        let spki = try DERReader.subjectPublicKeyInfo(der, algorithm: Self.ecPublicKeyOID, failure: .malformedECDSAKey)
        var parameters = spki.parameters
        let curveOID = try parameters.readContents(tag: 0x06)
        guard parameters.isEmpty else { throw KeyError.malformedECDSAKey }
        guard curveOID.elementsEqual(Self.prime256v1OID) else { throw KeyError.unsupportedECDSACurve(oid: Array(curveOID)) }
        guard spki.key.count == 65, spki.key.first == 4 else { throw KeyError.malformedECDSAKey }
        let point = Array(spki.key.dropFirst())   // x ‖ y
        let x = BigUInt(bigEndian: Array(point[..<32])), y = BigUInt(bigEndian: Array(point[32...]))
        let curve = Self.curve
        guard x < curve.p, y < curve.p, curve.contains(x: x, y: y) else { throw KeyError.malformedECDSAKey }
        self.der = der
        self.x = x
        self.y = y
    }

    public static func == (a: Self, b: Self) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    /// Whether `signature` (DER) is this key's ECDSA signature over SHA-256(`message`).
    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        Self.curve.verify(signature: signature, digest: Sodium.sha256(message), x: x, y: y)
    }

    /// 1.2.840.10045.2.1 and 1.2.840.10045.3.1.7, the OBJECT IDENTIFIER contents.
    static let ecPublicKeyOID: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]
    static let prime256v1OID: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
}
