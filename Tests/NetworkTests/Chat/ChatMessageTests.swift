import Testing
@testable import Network

@Suite("Chat payload (the Go program's JSON)")
struct ChatMessageTests {
    let author = try! PrivateKey(seed: Sodium.sha256(Array("chat-author".utf8))).peerID
    let now = Instant(nanoseconds: 5_000_000_000)

    @Test("encodes in the Go program's field order and decodes back")
    func roundTrip() throws {
        let message = ChatMessage(kind: .message, content: "héllo \"world\"\n", username: "alice",
                                  timestamp: 1_700_000_000, from: author.base58)
        let text = String(decoding: message.encoded, as: UTF8.self)
        #expect(text == #"{"type":"message","content":"héllo \"world\"\n","username":"alice","timestamp":1700000000,"from":"\#(author.base58)"}"#)
        #expect(try ChatMessage.decode(message.encoded) == message)
    }

    @Test("the direct encoder writes exactly what rendering the JSON tree writes, escapes included")
    func encoderMatchesTree() throws {
        let awkward = ["", "\"\\/", "tab\tnul\u{0}del\u{7F}c1\u{85}", "\u{2028}\u{2029}", "日本語 🎉", "\u{1B}[31mred"]
        for (i, text) in awkward.enumerated() {
            let message = ChatMessage(kind: [.message, .join, .leave][i % 3], content: text, username: awkward[(i + 1) % 6],
                                      timestamp: [0, -1, Int64.max, Int64.min, 1_700_000_000, 42][i], from: text)
            let tree = JSON.object([
                ("type", .string(message.kind.rawValue)), ("content", .string(message.content)),
                ("username", .string(message.username)), ("timestamp", .int(Int(message.timestamp))),
                ("from", .string(message.from)),
            ]).renderedBytes
            #expect(message.encoded == tree, "case \(i)")
            #expect(try ChatMessage.decode(message.encoded) == message, "case \(i)")
        }
    }

    @Test("extra fields are ignored; missing optional fields default")
    func extraFields() throws {
        let json = Array(#"{"type":"join","content":"hi","extra":{"x":[1,2]},"timestamp":12.0}"#.utf8)
        let message = try #require(try ChatMessage.decode(json))
        #expect(message.kind == .join && message.content == "hi" && message.username == "" && message.timestamp == 12)
    }

    @Test("an unknown type decodes as nil (ignored, not an error)")
    func unknownType() throws {
        #expect(try ChatMessage.decode(Array(#"{"type":"reaction","content":"+1"}"#.utf8)) == nil)
    }

    @Test("malformed payloads are typed errors", arguments: [
        ("not json", ChatMessage.DecodeError.notJSONObject),
        ("[1,2]", .notJSONObject),
        (#"{"content":"x"}"#, .missingField("type")),
        (#"{"type":5}"#, .wrongType(field: "type")),
        (#"{"type":"message","content":7}"#, .wrongType(field: "content")),
        (#"{"type":"message","timestamp":true}"#, .wrongType(field: "timestamp")),
        (#"{"type":"message","timestamp":"noon"}"#, .wrongType(field: "timestamp")),
    ])
    func malformed(input: String, expected: ChatMessage.DecodeError) {
        #expect(throws: expected) { try ChatMessage.decode(Array(input.utf8)) }
    }

    @Test("an oversized payload is refused before parsing")
    func oversized() {
        let big = [UInt8](repeating: 0x20, count: ChatMessage.maxPayloadBytes + 1)
        #expect(throws: ChatMessage.DecodeError.tooLarge(big.count)) { try ChatMessage.decode(big) }
    }

    @Test("validator: accept, impersonation, limits, unknown type, malformed")
    func validator() {
        var v = ChatValidator()
        func payload(from: String, content: String = "hi", nick: String = "bob", type: String = "message") -> [UInt8] {
            Array(JSON.object([("type", .string(type)), ("content", .string(content)), ("username", .string(nick)),
                               ("timestamp", .int(1)), ("from", .string(from))]).rendered.utf8)
        }
        if case .accept(let m) = v.validate(payload(from: author.base58), author: author, isOwn: false, now: now) {
            #expect(m.content == "hi")
        } else { Issue.record("a good message was not accepted") }
        let other = PrivateKey.generate().peerID
        do { let verdict = v.validate(payload(from: other.base58), author: author, isOwn: false, now: now); #expect(verdict == .reject(.impersonation(claimed: other.base58))) }
        let long = String(repeating: "x", count: ChatMessage.maxContentBytes + 1)
        do { let verdict = v.validate(payload(from: author.base58, content: long), author: author, isOwn: false, now: now); #expect(verdict == .reject(.contentTooLong(long.utf8.count))) }
        let longNick = String(repeating: "n", count: ChatMessage.maxUsernameBytes + 1)
        do { let verdict = v.validate(payload(from: author.base58, nick: longNick), author: author, isOwn: false, now: now); #expect(verdict == .reject(.usernameTooLong(longNick.utf8.count))) }
        do { let verdict = v.validate(payload(from: author.base58, type: "poke"), author: author, isOwn: false, now: now); #expect(verdict == .ignore(.unknownType)) }
        do { let verdict = v.validate(Array("{".utf8), author: author, isOwn: false, now: now); #expect(verdict == .reject(.malformed(.notJSONObject))) }
        // A message without a JSON `from` is judged by its signature alone.
        if case .accept = v.validate(Array(#"{"type":"message","content":"x"}"#.utf8), author: author, isOwn: false, now: now) {
        } else { Issue.record("a message without from was not accepted") }
    }

    @Test("validator: per-author rate limit ignores the flood, refills with time, spares our own")
    func rateLimit() {
        var v = ChatValidator()
        let data = Array(#"{"type":"message","content":"spam"}"#.utf8)
        var accepted = 0
        for _ in 0..<100 {
            if case .accept = v.validate(data, author: author, isOwn: false, now: now) { accepted += 1 }
        }
        #expect(accepted == Int(ChatValidator.burst))
        do { let verdict = v.validate(data, author: author, isOwn: false, now: now); #expect(verdict == .ignore(.rateLimited)) }
        if case .accept = v.validate(data, author: author, isOwn: false, now: now + .seconds(1)) {} else {
            Issue.record("the bucket did not refill")
        }
        for _ in 0..<100 {
            if case .accept = v.validate(data, author: author, isOwn: true, now: now) { continue }
            Issue.record("our own message was rate limited"); break
        }
    }

    @Test("rate limiter forgets the stalest key at capacity")
    func limiterCapacity() {
        var limiter = RateLimiter<Int>(rate: 1, burst: 1, capacity: 2)
        do { let allowed = limiter.allow(1, now: now); #expect(allowed) }
        do { let allowed = limiter.allow(2, now: now + .seconds(0.1)); #expect(allowed) }
        do { let allowed = limiter.allow(2, now: now + .seconds(0.2)); #expect(!allowed) }
        do { let allowed = limiter.allow(3, now: now + .seconds(0.3)); #expect(allowed) }   // evicts key 1
        do { let allowed = limiter.allow(1, now: now + .seconds(0.4)); #expect(allowed) }   // key 1 starts afresh
    }
}
