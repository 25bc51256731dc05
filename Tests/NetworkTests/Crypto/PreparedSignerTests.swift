import Testing
@testable import Network

/// `PreparedSigner` (Ed25519 with the nonce made ahead, `CEd25519` sign.c): every signature must pass
/// libsodium's `crypto_sign_verify_detached`, no nonce may sign twice, and publishing works prepared or not.
@Suite struct PreparedSignerTests {
    /// A deterministic spread of seeds, so a failure names its key.
    static func key(_ n: Int) -> PrivateKey {
        try! PrivateKey(seed: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n &* 7 &+ 1) })
    }

    @Test("signatures of many keys and messages (empty to 16 KiB) verify under libsodium and our tables")
    func verifiesUnderLibsodium() {
        for k in 0..<16 {
            let identity = Self.key(k)
            let signer = PreparedSigner(identity)
            let tables = VerifyingKey(identity.publicKey)
            for length in [0, 1, 31, 32, 63, 64, 100, 127, 128, 200, 1_000, 16 << 10] {
                let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ k) }
                if length % 2 == 0 { signer.prepare() }   // half prepared ahead, half made on the spot
                let signature = signer.sign(message)
                #expect(signature.count == 64)
                #expect(Sodium.ed25519Verify(signature, message, publicKey: identity.publicKey.ed25519),
                        "key \(k), \(length) bytes")
                #expect(tables.verify(signature: signature, for: message), "key \(k), \(length) bytes")
                var wrong = message
                wrong.append(0)
                #expect(!Sodium.ed25519Verify(signature, wrong, publicKey: identity.publicKey.ed25519))
            }
        }
    }

    @Test("a nonce signs once: it is used up by sign, and the same bytes signed again get a fresh R")
    func nonceUsedOnce() {
        let signer = PreparedSigner(Self.key(1))
        #expect(!signer.isPrepared)
        signer.prepare()
        #expect(signer.isPrepared)
        let message = Array("the same line".utf8)
        let first = signer.sign(message)
        #expect(!signer.isPrepared, "the nonce is wiped as it signs")
        let second = signer.sign(message)
        #expect(first[0..<32] != second[0..<32], "each signature has its own R")
        var rs: Set<[UInt8]> = [Array(first[0..<32]), Array(second[0..<32])]
        for _ in 0..<200 {
            signer.prepare()
            rs.insert(Array(signer.sign(message)[0..<32]))
        }
        #expect(rs.count == 202, "no R repeats")
    }

    @Test("the signer's public key is the identity's: [a]B from the reduced clamped scalar matches")
    func sameKeyAsRFC8032() {
        let identity = Self.key(5)
        let signer = PreparedSigner(identity)
        #expect(signer.publicKey == identity.publicKey)
        let rfc = identity.sign(Array("x".utf8))
        let ours = signer.sign(Array("x".utf8))
        #expect(rfc != ours, "not RFC 8032's deterministic signature")
        #expect(Sodium.ed25519Verify(rfc, Array("x".utf8), publicKey: identity.publicKey.ed25519))
        #expect(Sodium.ed25519Verify(ours, Array("x".utf8), publicKey: identity.publicKey.ed25519))
    }

    @Test("publish uses up the prepared nonce, prepareSigning makes the next, and a peer accepts both kinds")
    func publishPreparedAndNot() throws {
        typealias F = PubSubFixture
        let me = F.engine("me"), peer = F.engine("peer")
        #expect(me.signingPrepared, "prepared at start")
        F.connected(me, peers: [F.peer("peer")])
        F.connected(peer, peers: [F.peer("me")])
        var sent: [[UInt8]] = []
        for n in 0..<4 {
            if n == 2 {
                me.prepareSigning()
                #expect(me.signingPrepared)
            }
            _ = try me.publish(topic: F.topic, data: Array("line \(n)".utf8), now: F.t0)
            #expect(!me.signingPrepared, "publish \(n) used the nonce up")
            for case .send(let to, let frame) in F.drain(me) where to == F.peer("peer") { sent.append(frame) }
        }
        for frame in sent { peer.receive(frame, from: F.peer("me"), now: F.t0) }
        let delivered = F.delivered(F.drain(peer))
        #expect(delivered.map { String(decoding: $0.data, as: UTF8.self) } == (0..<4).map { "line \($0)" })
        #expect(peer.counters.invalidSignatures == 0)
    }
}
