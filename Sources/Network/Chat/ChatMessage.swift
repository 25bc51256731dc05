/// The chat payload carried in a GossipSub message's `data`, the same JSON the Go program sends:
///
///     {"type":"message|join|leave","content":"…","username":"…","timestamp":<unix seconds>,"from":"12D3KooW…"}
///
/// Extra fields are allowed (and ignored); unknown types decode as `nil` and are ignored by the caller.
/// The JSON `from` is a claim: the trusted sender is the message's signed author (see `ChatValidator`).
public struct ChatMessage: Equatable, Sendable {
    public enum Kind: String, Sendable { case message, join, leave }

    public var kind: Kind
    public var content: String
    public var username: String
    public var timestamp: Int64
    /// The sender's PeerID as the sender wrote it (base58). Empty when absent.
    public var from: String

    /// Content longer than this (UTF-8 bytes) is rejected by validation and refused by `/send`.
    public static let maxContentBytes = 16 * 1024
    /// A nick longer than this (UTF-8 bytes) is rejected.
    public static let maxUsernameBytes = 64
    /// A payload larger than this is rejected before parsing.
    public static let maxPayloadBytes = maxContentBytes * 6 + 4096

    public enum DecodeError: Error, Equatable, Sendable {
        case tooLarge(Int)
        case notJSONObject
        case missingField(String)
        case wrongType(field: String)
    }

    public init(kind: Kind, content: String, username: String, timestamp: Int64, from: String) {
        self.kind = kind
        self.content = content
        self.username = username
        self.timestamp = timestamp
        self.from = from
    }

    /// UTF-8 JSON with the Go program's field order, written straight into bytes (the same bytes as rendering
    /// the `JSON` tree, without building it: this is on the path of every line sent).
    public var encoded: [UInt8] {
        var w = JSONObjectWriter(capacity: content.utf8.count + username.utf8.count + from.utf8.count + 96)
        w.add("type", kind.rawValue)
        w.add("content", content)
        w.add("username", username)
        w.add("timestamp", Int(timestamp))
        w.add("from", from)
        return w.finish()
    }

    /// Parses a payload; returns nil for a well-formed message of a type we do not know. A repeated key's
    /// last value counts, as with `JSON`'s subscript. The fields are picked as the parser meets them (no tree).
    public static func decode(_ data: [UInt8]) throws -> ChatMessage? {
        guard data.count <= maxPayloadBytes else { throw DecodeError.tooLarge(data.count) }
        var type, content, username, timestamp, from: JSON?
        let isObject = try? JSONParser.forEachField(in: data) { key, value in
            switch key {
            case "type": type = value
            case "content": content = value
            case "username": username = value
            case "timestamp": timestamp = value
            case "from": from = value
            default: break
            }
        }
        guard isObject == true else { throw DecodeError.notJSONObject }
        guard let type else { throw DecodeError.missingField("type") }
        guard case .string(let typeString) = type else { throw DecodeError.wrongType(field: "type") }
        guard let kind = Kind(rawValue: typeString) else { return nil }
        func string(_ value: JSON?, _ key: String) throws -> String {
            switch value {
            case nil: return ""
            case .string(let s)?: return s
            default: throw DecodeError.wrongType(field: key)
            }
        }
        let seconds: Int64
        switch timestamp {
        case nil: seconds = 0
        case .int(let n)?: seconds = Int64(n)
        case .double(let d)? where abs(d) < 9.2e18:   // a fraction is cut off
            seconds = Int64(d.rounded(.towardZero))
        default: throw DecodeError.wrongType(field: "timestamp")
        }
        return ChatMessage(kind: kind, content: try string(content, "content"),
                           username: try string(username, "username"), timestamp: seconds,
                           from: try string(from, "from"))
    }
}
