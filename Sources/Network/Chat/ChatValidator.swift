/// The chat protocol's validation, run by the pubsub engine before a message is delivered or forwarded:
///
///   - the payload must be a chat JSON object (else `.reject`: the forwarder is penalised);
///   - an unknown `type` is `.ignore`d (newer clients may add types);
///   - the JSON `from`, when present, must be the signed author (else `.reject`: an impersonation attempt);
///   - content over `ChatMessage.maxContentBytes` or a nick over `maxUsernameBytes` is `.reject`ed;
///   - more than `rate` messages per second from one author (burst `burst`) are `.ignore`d — the forwarder
///     did nothing wrong, so nobody is penalised, but the flood stops here.
public struct ChatValidator {
    public static let rate = 10.0
    public static let burst = 40.0

    public enum Verdict: Equatable {
        case accept(ChatMessage)
        case reject(Reason)
        case ignore(Reason)
    }

    public enum Reason: Equatable, CustomStringConvertible {
        case malformed(ChatMessage.DecodeError)
        case unknownType
        case impersonation(claimed: String)
        case contentTooLong(Int)
        case usernameTooLong(Int)
        case rateLimited

        public var description: String {
            switch self {
            case .malformed(let e): return "malformed chat payload (\(e))"
            case .unknownType: return "unknown message type"
            case .impersonation(let c): return "JSON from \(c) is not the signed author"
            case .contentTooLong(let n): return "content of \(n) bytes is over the limit"
            case .usernameTooLong(let n): return "username of \(n) bytes is over the limit"
            case .rateLimited: return "author over the rate limit"
            }
        }
    }

    var limiter = RateLimiter<PeerID>(rate: rate, burst: burst)

    public init() {}

    /// Judges one payload signed by `author`. Our own messages skip the rate limit.
    public mutating func validate(_ data: [UInt8], author: PeerID, isOwn: Bool, now: Instant) -> Verdict {
        let message: ChatMessage
        do {
            guard let decoded = try ChatMessage.decode(data) else { return .ignore(.unknownType) }
            message = decoded
        } catch let e as ChatMessage.DecodeError {
            return .reject(.malformed(e))
        } catch {
            return .reject(.malformed(.notJSONObject))
        }
        if !message.from.isEmpty && message.from != author.base58 {
            return .reject(.impersonation(claimed: message.from))
        }
        let contentBytes = message.content.utf8.count
        if contentBytes > ChatMessage.maxContentBytes { return .reject(.contentTooLong(contentBytes)) }
        let nickBytes = message.username.utf8.count
        if nickBytes > ChatMessage.maxUsernameBytes { return .reject(.usernameTooLong(nickBytes)) }
        if !isOwn && !limiter.allow(author, now: now) { return .ignore(.rateLimited) }
        return .accept(message)
    }
}
