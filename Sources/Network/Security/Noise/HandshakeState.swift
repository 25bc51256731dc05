/// Noise message-pattern tokens (spec §7.1).
enum NoiseToken {
    case e, s, ee, es, se, ss
}

/// A Noise handshake pattern without pre-messages: message token lists, initiator's first, alternating.
struct HandshakePattern {
    let name: String
    let messages: [[NoiseToken]]

    /// `XX:  -> e  /  <- e, ee, s, es  /  -> s, se`
    static let xx = HandshakePattern(name: "XX", messages: [[.e], [.e, .ee, .s, .es], [.s, .se]])
}

/// A Noise `HandshakeState` (spec §5.3) for `Noise_<pattern>_25519_ChaChaPoly_SHA256`.
///
/// Every message is `tokens || EncryptAndHash(payload)`; `e` is 32 bytes in clear, `s` is 32 bytes
/// in clear before the first `MixKey` and 32 + 16 encrypted after it. The static and the first
/// ephemeral secret may be injected (test vectors); otherwise ephemerals are fresh randomness.
struct HandshakeState {
    static let dhLength = Sodium.x25519KeyLength

    let pattern: HandshakePattern
    let isInitiator: Bool
    private(set) var symmetric: SymmetricState
    private let staticSecret: [UInt8]
    let staticPublic: [UInt8]
    private var injectedEphemeral: [UInt8]?
    private var ephemeralSecret: [UInt8]?
    private(set) var remoteStatic: [UInt8]?
    private(set) var remoteEphemeral: [UInt8]?
    private(set) var messageIndex = 0

    init(pattern: HandshakePattern = .xx, initiator: Bool, prologue: [UInt8],
         staticSecret: [UInt8], staticPublic: [UInt8]? = nil, ephemeralSecret: [UInt8]? = nil) throws {
        self.pattern = pattern
        self.isInitiator = initiator
        self.staticSecret = staticSecret
        self.staticPublic = try staticPublic ?? Sodium.x25519PublicKey(secret: staticSecret)
        if let ephemeralSecret { _ = try Sodium.x25519PublicKey(secret: ephemeralSecret) }   // validates the length
        self.injectedEphemeral = ephemeralSecret
        symmetric = SymmetricState(protocolName: "Noise_\(pattern.name)_25519_ChaChaPoly_SHA256")
        symmetric.mixHash(prologue)
    }

    var isComplete: Bool { messageIndex == pattern.messages.count }

    /// True when the next message is ours to write; false when we wait for the peer's (or are done).
    var isOurTurnToWrite: Bool { !isComplete && (messageIndex % 2 == 0) == isInitiator }

    var handshakeHash: [UInt8] { symmetric.handshakeHash }

    mutating func writeMessage(payload: [UInt8]) throws -> [UInt8] {
        guard isOurTurnToWrite else { throw NoiseError.unexpectedMessage("not our turn to write message \(messageIndex + 1)") }
        var out: [UInt8] = []
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let secret = injectedEphemeral ?? Sodium.randomBytes(Self.dhLength)
                injectedEphemeral = nil
                ephemeralSecret = secret
                let ephemeralPublic = try Sodium.x25519PublicKey(secret: secret)
                out += ephemeralPublic
                symmetric.mixHash(ephemeralPublic)
            case .s:
                out += try symmetric.encryptAndHash(staticPublic)
            case .ee, .es, .se, .ss:
                try mixDH(token)
            }
        }
        out += try symmetric.encryptAndHash(payload)
        messageIndex += 1
        return out
    }

    /// Processes the peer's message and returns its decrypted payload.
    mutating func readMessage(_ message: ArraySlice<UInt8>) throws -> [UInt8] {
        guard !isComplete, !isOurTurnToWrite else {
            throw NoiseError.unexpectedMessage("not our turn to read message \(messageIndex + 1)")
        }
        var rest = message
        func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
            guard rest.count >= n else {
                throw NoiseError.malformedFrame("message \(messageIndex + 1): \(rest.count) bytes left, \(what) needs \(n)")
            }
            defer { rest = rest.dropFirst(n) }
            return rest.prefix(n)
        }
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let re = Array(try take(Self.dhLength, "e"))
                remoteEphemeral = re
                symmetric.mixHash(re)
            case .s:
                let sealed = try take(Self.dhLength + (symmetric.cipher.hasKey ? Sodium.aeadTagLength : 0), "s")
                remoteStatic = try symmetric.decryptAndHash(sealed)
            case .ee, .es, .se, .ss:
                try mixDH(token)
            }
        }
        if symmetric.cipher.hasKey && rest.count < Sodium.aeadTagLength {
            throw NoiseError.malformedFrame("message \(messageIndex + 1): payload shorter than the AEAD tag")
        }
        let payload = try symmetric.decryptAndHash(rest)
        messageIndex += 1
        return payload
    }

    /// `Split()`, oriented for our role: (send, receive).
    func split() -> (send: CipherState, receive: CipherState) {
        precondition(isComplete, "split before the handshake completed")
        let (c1, c2) = symmetric.split()
        return isInitiator ? (c1, c2) : (c2, c1)
    }

    /// `MixKey(DH(…))` for a DH token; `es` is DH(initiator e, responder s), `se` the other way round.
    private mutating func mixDH(_ token: NoiseToken) throws {
        let (secret, remote): ([UInt8]?, [UInt8]?)
        switch (token, isInitiator) {
        case (.ee, _): (secret, remote) = (ephemeralSecret, remoteEphemeral)
        case (.es, true), (.se, false): (secret, remote) = (ephemeralSecret, remoteStatic)
        case (.es, false), (.se, true): (secret, remote) = (staticSecret, remoteEphemeral)
        case (.ss, _): (secret, remote) = (staticSecret, remoteStatic)
        case (.e, _), (.s, _): preconditionFailure("not a DH token")
        }
        guard let secret, let remote else { preconditionFailure("DH token \(token) before its keys are known") }
        do {
            symmetric.mixKey(try Sodium.x25519(secret: secret, publicKey: remote))
        } catch {
            throw NoiseError.weakRemoteKey
        }
    }
}
