/// One multistream-select message: a length-prefixed line of UTF-8 text.
///
///     +------------------+---------------------+------+
///     | uvarint(n + 1)   | n bytes of UTF-8    | 0x0a |
///     +------------------+---------------------+------+
///
///     "/multistream/1.0.0" = 13 2f6d756c746973747265616d2f312e302e30 0a
///     "na"                 = 03 6e61 0a
///
/// The `ls` reply nests messages: its text is the concatenation of one message per protocol, so the whole
/// reply is `uvarint(total + 1) || msg(p1) || msg(p2) || … || 0x0a`.
enum MultistreamMessage {
    static let newline: UInt8 = 0x0a

    /// Appends `text` framed as one message.
    static func append(_ text: String, to out: inout [UInt8]) {
        Varint.encode(UInt64(text.utf8.count + 1), into: &out)
        out.append(contentsOf: text.utf8)
        out.append(newline)
    }

    /// Appends arbitrary bytes framed as one message (used for the nested `ls` reply).
    static func appendRaw(_ body: [UInt8], to out: inout [UInt8]) {
        Varint.encode(UInt64(body.count + 1), into: &out)
        out.append(contentsOf: body)
        out.append(newline)
    }

    /// The `ls` reply listing `protocols`.
    static func listing(_ protocols: [String]) -> [UInt8] {
        var body: [UInt8] = []
        for proto in protocols { append(proto, to: &body) }
        var out: [UInt8] = []
        appendRaw(body, to: &out)
        return out
    }

    /// Parses one message at the start of `bytes`.
    ///
    /// - Returns: the text without its newline and the number of bytes consumed, or `nil` when incomplete.
    static func parse(_ bytes: ArraySlice<UInt8>, limit: Int) throws -> (text: String, length: Int)? {
        let decoded: Varint.Decoded
        do { decoded = try Varint.decode(bytes) } catch let e as Varint.DecodeError {
            throw MultistreamError.varint(e)
        }
        guard case .value(let announced, let prefixLength) = decoded else { return nil }
        guard announced <= UInt64(limit) else { throw MultistreamError.messageTooLong(Int(announced)) }
        let length = Int(announced)
        guard bytes.count - prefixLength >= length else { return nil }
        guard length > 0 else { throw MultistreamError.missingNewline }
        let start = bytes.startIndex + prefixLength
        let end = start + length - 1
        guard bytes[end] == newline else { throw MultistreamError.missingNewline }
        let body = bytes[start..<end]
        let text = String(decoding: body, as: UTF8.self)
        // Invalid UTF-8 decodes to U+FFFD, which changes the bytes.
        guard text.utf8.elementsEqual(body) else { throw MultistreamError.malformedMessage }
        return (text, prefixLength + length)
    }
}
