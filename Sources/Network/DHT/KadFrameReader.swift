/// Reads `KadMessage`s from a kad stream in any chunking: uvarint-length-prefixed frames of at most
/// `KadMessage.maxSize` bytes (refused before the body is buffered), each decoded as a message.
///
///     +--------------+----------------------+
///     | uvarint(len) | len bytes: Message   |   … repeated on one stream
///     +--------------+----------------------+
struct KadFrameReader {
    private var decoder = LengthPrefixedDecoder(maxFrameLength: KadMessage.maxSize)

    mutating func feed(_ bytes: [UInt8]) { decoder.feed(bytes) }

    /// The next whole message, nil when more bytes are needed. Errors are `KadError`s.
    mutating func next() throws -> KadMessage? {
        let frame: [UInt8]?
        do { frame = try decoder.next() } catch LengthPrefixed.DecodeError.badLength(let e) {
            throw KadError.badLength(e)
        } catch LengthPrefixed.DecodeError.frameTooLarge(let length, let limit) {
            throw KadError.messageTooLarge(length: length, limit: limit)
        }
        return try frame.map { try KadMessage(decoding: $0) }
    }
}
