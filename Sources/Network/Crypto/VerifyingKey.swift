internal import CEd25519

/// A public key prepared for verifying many signatures (an RSA, secp256k1 or ECDSA key is held as it is, with no table): for a valid prime-order key it holds a
/// table of precomputed multiples (`CEd25519`, ~3.9 KB) that makes each verify about twice as fast as
/// libsodium's; for any other key it holds nothing and every verify goes to libsodium. Either way it accepts
/// exactly the signatures `crypto_sign_verify_detached` (libsodium 1.0.18) accepts — `VerifyingKeyTests` checks
/// that differentially. Build one per key that signs often (chat authors), not per message: the table costs
/// about four verifies to build.
public final class VerifyingKey {
    public let publicKey: PublicKey
    private var table: OpaquePointer?
    /// Verifies left before the table is built (then -1: built, or refused for this key).
    private var untilTable: Int

    /// Bytes one table occupies.
    public static var tableSize: Int { ced25519_key_size() }

    /// `precomputeAfter`: how many verifies go to libsodium before the table is built. A key seen once (a
    /// flood of fresh identities) then never pays the table's four-verify price; a key that signs again does.
    public init(_ publicKey: PublicKey, precomputeAfter: Int = 0) {
        self.publicKey = publicKey
        Sodium.ensureInitialized()
        untilTable = max(0, precomputeAfter)
        if untilTable == 0 { buildTable() }
    }

    deinit { ced25519_key_free(table) }

    private func buildTable() {
        untilTable = -1
        guard publicKey.algorithm == .ed25519 else { return }   // others: every verify is their own type's
        table = publicKey.ed25519.withUnsafeBufferPointer { ced25519_key_new($0.baseAddress) }
    }

    /// Whether verifies use the precomputed table (false: not built yet, the key is not a valid prime-order
    /// point or not Ed25519, or memory ran out; libsodium or the key's own type verifies).
    public var hasTable: Bool { table != nil }

    public func verify<M: ContiguousBytes>(signature: [UInt8], for message: M) -> Bool {
        if untilTable > 0 {
            untilTable -= 1
        } else if untilTable == 0 {
            buildTable()
        }
        guard let table else { return publicKey.verify(signature: signature, for: message) }
        guard signature.count == Sodium.ed25519SignatureLength else { return false }
        return message.withUnsafeBytes { m in
            ced25519_verify(table, signature, m.bindMemory(to: UInt8.self).baseAddress, m.count) == 0
        }
    }
}
