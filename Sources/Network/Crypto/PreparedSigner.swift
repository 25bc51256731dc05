internal import CEd25519

/// Something that signs bytes with an Ed25519 identity: the key itself (RFC 8032, deterministic) or a
/// `PreparedSigner`.
public protocol Ed25519Signer {
    var publicKey: PublicKey { get }
    func sign(_ message: [UInt8]) -> [UInt8]
}

extension PrivateKey: Ed25519Signer {}

/// Signs with an Ed25519 key whose next nonce was prepared ahead of time (`CEd25519` sign.c): R = [r]B for a
/// random r, the bulk of signing, is computed while nothing waits (`prepare`), so `sign` — on the path of a
/// line from the keyboard to the wire — is one SHA-512 and a multiply-add. The signatures are ordinary
/// Ed25519 ones that any verifier accepts; they are not RFC 8032's deterministic ones (signing the same bytes
/// twice gives two signatures). Each nonce signs once and is wiped; with none ready, `sign` makes one first.
/// Tests check every signature against libsodium's `crypto_sign_verify_detached` (`PreparedSignerTests`).
public final class PreparedSigner: Ed25519Signer {
    public let publicKey: PublicKey
    private let scalar = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
    private let nonce = UnsafeMutablePointer<ced25519_nonce>.allocate(capacity: 1)

    public init(_ key: PrivateKey) {
        Sodium.ensureInitialized()
        publicKey = key.publicKey
        key.secretKey.withUnsafeBufferPointer { ced25519_secret_scalar(scalar, $0.baseAddress) }
        nonce.initialize(to: ced25519_nonce())
    }

    deinit {
        ced25519_nonce_wipe(nonce)
        scalar.update(repeating: 0, count: 32)
        nonce.deallocate()
        scalar.deallocate()
    }

    /// Whether the next `sign` has its nonce ready.
    public var isPrepared: Bool { nonce.pointee.ready != 0 }

    /// Prepares the next signature's nonce, unless one is ready (tens of µs).
    public func prepare() {
        guard !isPrepared else { return }
        _ = ced25519_nonce_prepare(nonce)
    }

    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Sodium.ed25519SignatureLength)
        let status = publicKey.ed25519.withUnsafeBufferPointer { pk in
            message.withUnsafeBufferPointer { m in
                ced25519_sign_prepared(&signature, nonce, scalar, pk.baseAddress, m.baseAddress, m.count)
            }
        }
        precondition(status == 0, "Ed25519 nonce generation failed")
        return signature
    }
}
