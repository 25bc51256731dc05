/// Joins the bytes of one UTF-8 sequence that may arrive across several reads, checking each byte as it
/// comes (Unicode's "maximal subpart" rule: an invalid byte ends the sequence as one U+FFFD, and is read
/// again on its own if it could start something).
///
///     0xxxxxxx                              ASCII (not handled here)
///     110xxxxx 10xxxxxx                     lead C2–DF
///     1110xxxx 10xxxxxx 10xxxxxx            lead E0–EF (E0: 2nd A0–BF; ED: 2nd 80–9F, no surrogates)
///     11110xxx 10xxxxxx 10xxxxxx 10xxxxxx   lead F0–F4 (F0: 2nd 90–BF; F4: 2nd 80–8F, ≤ U+10FFFF)
struct UTF8Assembler {
    enum Result: Equatable {
        case needMore
        case scalar(Unicode.Scalar)
        /// The sequence so far is invalid (one U+FFFD); `reprocess`: the last byte was not part of it.
        case invalid(reprocess: Bool)
    }

    private var bytes: [UInt8] = []
    private var needed = 0

    var isPending: Bool { !bytes.isEmpty }

    mutating func append(_ byte: UInt8) -> Result {
        if bytes.isEmpty {
            switch byte {
            case 0xC2...0xDF: needed = 1
            case 0xE0...0xEF: needed = 2
            case 0xF0...0xF4: needed = 3
            default: return .invalid(reprocess: false)
            }
            bytes = [byte]
            return .needMore
        }
        guard allowedNext.contains(byte) else {
            bytes = []
            return .invalid(reprocess: true)
        }
        bytes.append(byte)
        guard bytes.count == needed + 1 else { return .needMore }
        defer { bytes = [] }
        var value = UInt32(bytes[0]) & (0x7F >> (needed + 1))
        for continuation in bytes.dropFirst() { value = value << 6 | UInt32(continuation & 0x3F) }
        guard let scalar = Unicode.Scalar(value) else { return .invalid(reprocess: false) }
        return .scalar(scalar)
    }

    /// The range the next continuation byte must fall in.
    private var allowedNext: ClosedRange<UInt8> {
        guard bytes.count == 1 else { return 0x80...0xBF }
        switch bytes[0] {
        case 0xE0: return 0xA0...0xBF
        case 0xED: return 0x80...0x9F
        case 0xF0: return 0x90...0xBF
        case 0xF4: return 0x80...0x8F
        default: return 0x80...0xBF
        }
    }
}
