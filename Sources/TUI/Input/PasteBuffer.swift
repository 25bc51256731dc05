/// The bytes of one bracketed paste, gathered until the end marker `ESC [ 201 ~`, capped at
/// `KeyDecoder.maxPasteBytes`. Bytes that start like the marker are held back until it is clear they are not
/// it, so text containing ESC (or `ESC [ 2`) is kept verbatim.
struct PasteBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var truncated = false
    /// How many bytes of the end marker the input ends with.
    private var matched = 0

    /// Adds one byte; true when it completed the end marker.
    mutating func append(_ byte: UInt8, endMarker: [UInt8]) -> Bool {
        if byte == endMarker[matched] {
            matched += 1
            return matched == endMarker.count
        }
        keep(endMarker[0..<matched])
        matched = 0
        if byte == endMarker[0] { matched = 1 } else { keep(CollectionOfOne(byte)) }
        return false
    }

    /// True while the last bytes could be the start of the end marker.
    var isMatchingMarker: Bool { matched > 0 }

    /// Adds pasted bytes (none of them part of an end marker), up to the cap.
    mutating func keep(_ more: some Collection<UInt8>) {
        let room = KeyDecoder.maxPasteBytes - bytes.count
        if more.count > room { truncated = true }
        bytes.append(contentsOf: more.prefix(max(0, room)))
    }

    /// The paste as text (invalid UTF-8 as U+FFFD; a character cut by the cap is dropped whole).
    mutating func finish() -> (String, Bool) {
        if truncated { bytes.removeLast(Self.incompleteTail(bytes)) }
        defer { self = PasteBuffer() }
        return (String(decoding: bytes, as: UTF8.self), truncated)
    }

    /// Bytes at the end that begin a UTF-8 sequence without finishing it.
    static func incompleteTail(_ bytes: [UInt8]) -> Int {
        var continuations = 0
        for byte in bytes.reversed().prefix(4) {
            if byte & 0xC0 == 0x80 { continuations += 1; continue }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > continuations + 1 ? continuations + 1 : 0
        }
        return 0
    }
}
