/// Reads the `.theme` text format:
///
///     # a comment; blank lines are ignored (`#` starts a comment at the start of a line or
///     #  as a word of its own, so `#rrggbb` is a colour)
///     role = FG [on BG] [bold] [dim] [underline] [reverse] [italic]
///     nick-palette = STYLE, STYLE, ...        # the one list role
///
/// A colour is one of the 16 ANSI names (`black red green yellow blue magenta cyan white`, each also as
/// `bright-…`), `default`, an index `0`–`255`, or `#rrggbb`. FG may be left out (`mention = bold reverse`).
/// Roles: `timestamp own-nick nick-palette text system mention unread-marker sidebar sidebar-connected
/// sidebar-disconnected status-line status-highlight input prompt error`. A role left out keeps the value of
/// the base theme; a role given twice, an unknown role, colour or word is an error naming the line.
public enum ThemeParser {
    public static func parse(_ text: String, name: String, file: String, base: Theme) throws -> Theme {
        var theme = base
        theme.name = name
        var seen = Set<String>()
        for (offset, rawLine) in lines(of: text).enumerated() {
            let trimmed = withoutComment(rawLine).trimmingSpaces()
            if trimmed.isEmpty { continue }
            func fail(_ reason: ThemeError.Reason) -> ThemeError { .badLine(file: file, line: offset + 1, reason) }
            guard let eq = trimmed.firstIndex(of: "=") else { throw fail(.missingEquals) }
            let role = String(trimmed[..<eq].trimmingSpaces())
            let value = trimmed[trimmed.index(after: eq)...].trimmingSpaces()
            guard !value.isEmpty else { throw fail(.emptyValue(role: role)) }
            guard seen.insert(role).inserted else { throw fail(.duplicateRole(role)) }
            do {
                if role == Theme.paletteRole {
                    theme.nickPalette = try value.split(separator: ",", omittingEmptySubsequences: false).map { try style($0.trimmingSpaces()) }
                } else if let known = Theme.roles.first(where: { $0.name == role }) {
                    theme[keyPath: known.path] = try style(value)
                } else {
                    throw ThemeError.Reason.unknownRole(role)
                }
            } catch let reason as ThemeError.Reason {
                throw fail(reason)
            }
        }
        return theme
    }

    /// Lines split at LF or CRLF (a CRLF is one `Character`, so splitting at "\n" alone would miss it).
    static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    /// The line up to its comment: a `#` that starts the line or stands alone as a word (`#` followed by a
    /// space or the end), so `#rrggbb` colours are not comments.
    static func withoutComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        var index = line.startIndex
        while index < line.endIndex {
            let next = line.index(after: index)
            if line[index] == "#", isBlank(previous),
               next == line.endIndex || isBlank(line[next]) || line[..<index].allSatisfy(isBlank) {
                return line[..<index]
            }
            previous = line[index]
            index = next
        }
        return line
    }

    /// `FG [on BG] [attributes…]`.
    static func style(_ text: Substring) throws -> Style {
        var words = text.split(whereSeparator: isBlank).makeIterator()
        var style = Style()
        var foregroundSet = false
        var any = false
        while let word = words.next() {
            any = true
            if let attribute = attributes[String(word)] {
                style.attributes.insert(attribute)
            } else if word == "on" {
                guard let colour = words.next() else { throw ThemeError.Reason.missingBackground }
                style.background = try color(colour)
            } else if !foregroundSet {
                style.foreground = try color(word)
                foregroundSet = true
            } else {
                throw ThemeError.Reason.unexpectedWord(String(word))
            }
        }
        guard any else { throw ThemeError.Reason.emptyStyle }
        return style
    }

    static let attributes: [String: Attributes] = [
        "bold": .bold, "dim": .dim, "italic": .italic, "reverse": .reverse, "underline": .underline,
    ]

    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// A colour name, index or `#rrggbb`.
    static func color(_ word: Substring) throws -> Color {
        let name = word.lowercased()
        if name == "default" { return .default }
        if let i = colorNames.firstIndex(of: name) { return .indexed(UInt8(i)) }
        if name.hasPrefix("bright-"), let i = colorNames.firstIndex(of: String(name.dropFirst(7))) {
            return .indexed(UInt8(8 + i))
        }
        if let index = UInt8(name) { return .indexed(index) }
        if name.hasPrefix("#"), name.count == 7, let v = UInt32(name.dropFirst(), radix: 16) {
            return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        }
        throw ThemeError.Reason.badColor(String(word))
    }
}

/// Space, tab or a CR left by CRLF line ends.
private func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" || character == "\r" }

private extension Substring {
    func trimmingSpaces() -> Substring {
        guard let start = firstIndex(where: { !isBlank($0) }) else { return self[endIndex...] }
        return self[start...lastIndex(where: { !isBlank($0) })!]
    }
}
