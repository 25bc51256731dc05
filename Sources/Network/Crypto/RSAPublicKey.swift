/// An RSA public key as libp2p carries it, for checking RSASSA-PKCS1-v1_5 / SHA-256 signatures: what go-, rust-
/// and py-libp2p sign with an RSA identity (the `Qm…` PeerIDs of the public IPFS bootstrap nodes and many DHT
/// peers). Verification only — we never hold an RSA private key — so nothing here needs constant time.
///
/// `PublicKey.Data` of an RSA key is a PKIX SubjectPublicKeyInfo in DER:
///
///     30 ‥ SEQUENCE
///        30 ‥ SEQUENCE  06 09 2a864886f70d010101 (rsaEncryption)  [05 00 (NULL)]
///        03 ‥ BIT STRING  00 (no unused bits)
///             30 ‥ SEQUENCE  02 ‥ n (modulus)  02 ‥ e (public exponent)
///
/// A signature s verifies when sᵉ mod n, as k bytes (k = the modulus length), equals
/// `00 01 FF…FF 00 ‖ DigestInfo(SHA-256) ‖ SHA-256(message)` (RFC 8017 §8.2.2, EMSA-PKCS1-v1_5).
public struct RSAPublicKey: Hashable, Sendable {
    /// Modulus sizes accepted, in bits: go-libp2p refuses keys under 2048 bits and over 8192.
    public static let minBits = 2048
    public static let maxBits = 8192
    /// The public exponent's largest size.
    public static let maxExponentBytes = 4

    /// The SubjectPublicKeyInfo, as received (the PeerID hashes the envelope around these bytes).
    public let der: [UInt8]
    /// n, big-endian, without leading zeros.
    let modulus: [UInt8]
    /// e, big-endian, without leading zeros.
    let exponent: [UInt8]

    public init(der: [UInt8]) throws {
        let spki = try DERReader.subjectPublicKeyInfo(der, algorithm: Self.rsaEncryptionOID, failure: .malformedRSAKey)
        var parameters = spki.parameters
        if !parameters.isEmpty { guard try parameters.read(tag: 0x05).isEmpty, parameters.isEmpty else { throw KeyError.malformedRSAKey } }
        var bitString = DERReader(spki.key, failure: .malformedRSAKey)
        var numbers = try bitString.read(tag: 0x30)
        guard bitString.isEmpty else { throw KeyError.malformedRSAKey }
        let n = try numbers.readPositiveInteger()
        let e = try numbers.readPositiveInteger()
        guard numbers.isEmpty else { throw KeyError.malformedRSAKey }
        let bitCount = n.count * 8 - n.first!.leadingZeroBitCount
        guard (Self.minBits...Self.maxBits).contains(bitCount) else { throw KeyError.rsaKeySize(bits: bitCount) }
        // e: odd, at least 3, at most 32 bits (go takes an int; everyone uses 65537). Each bit of e costs up to
        // two modular multiplications on the reactor thread, so a huge e from a stranger would stall it.
        guard e.count <= Self.maxExponentBytes, e.last! & 1 == 1, e.count > 1 || e.first! >= 3, n.last! & 1 == 1 else { throw KeyError.malformedRSAKey }
        self.der = der
        self.modulus = Array(n)
        self.exponent = Array(e)
    }

    /// Whether `signature` is this key's RSASSA-PKCS1-v1_5 signature over SHA-256(`message`).
    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        let k = modulus.count
        guard signature.count == k else { return false }
        let n = BigUInt(bigEndian: modulus)
        let s = BigUInt(bigEndian: signature)
        guard s < n else { return false }
        let encoded = s.power(BigUInt(bigEndian: exponent), modulus: n).bigEndianBytes(count: k)
        return encoded == Self.encode(digest: Sodium.sha256(message), length: k)
    }

    /// EMSA-PKCS1-v1_5 for SHA-256 into `length` bytes.
    static func encode(digest: [UInt8], length: Int) -> [UInt8] {
        let t = sha256DigestInfo + digest
        return [0x00, 0x01] + [UInt8](repeating: 0xff, count: max(0, length - t.count - 3)) + [0x00] + t
    }

    static let rsaEncryptionOID: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
    /// DER of `DigestInfo { AlgorithmIdentifier { sha256, NULL }, OCTET STRING (32 bytes) }`, before the digest.
    static let sha256DigestInfo: [UInt8] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                                            0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
}
