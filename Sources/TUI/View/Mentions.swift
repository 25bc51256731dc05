extension MessageFormatter {
    /// Whether `text` mentions `nick` as a whole word, ignoring case (`@Alice:` mentions alice; `malice` does
    /// not). The App rings the bell for new messages that do.
    public static func mentions(nick: String, in text: String) -> Bool {
        !mentionRanges(nick: nick, in: text).isEmpty
    }

    /// Character offsets of each whole-word, case-insensitive occurrence of `nick` in `text`.
    static func mentionRanges(nick: String, in text: String) -> [Range<Int>] {
        let needle = nick.map { $0.lowercased() }
        guard !needle.isEmpty else { return [] }
        let hay = text.map { $0.lowercased() }
        var out: [Range<Int>] = []
        var i = 0
        while i + needle.count <= hay.count {
            let end = i + needle.count
            if hay[i..<end].elementsEqual(needle), i == 0 || !isWordCharacter(hay[i - 1]),
               end == hay.count || !isWordCharacter(hay[end]) {
                out.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        return out
    }

    static func isWordCharacter(_ s: String) -> Bool {
        s == "_" || s.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
