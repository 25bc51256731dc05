/// Tab completion on a `LineEditor`. After `/` at the start of the line it completes command names (from the
/// `CommandTable`'s visible commands); elsewhere the nick before the cursor (an `@` before it is kept), from
/// candidates the App supplies, most recently active first. Matching ignores case.
///
/// Tab again (Shift-Tab backwards) replaces the completion with the next candidate, wrapping around; any other
/// key ends the cycle (`InputModel` calls `end()`). A command gets a space after it, a nick at the start of
/// the line `": "`, a nick elsewhere nothing.
public struct Completion: Hashable, Sendable {
    /// Suffix after a nick completed at the start of the line.
    public static let addressSuffix = ": "

    struct Cycle: Hashable, Sendable {
        var replacements: [String]
        var index: Int
        /// Where the completed word starts, and how many characters the current replacement has.
        var start: Int
        var length: Int
    }

    private(set) var cycle: Cycle?

    public init() {}

    public var isCycling: Bool { cycle != nil }

    /// Completes or cycles; false when nothing matches (the App rings the bell).
    public mutating func complete(_ editor: inout LineEditor, commands: CommandTable, nicks: [String],
                                  backward: Bool = false) -> Bool {
        if var cycle {
            let count = cycle.replacements.count
            cycle.index = (cycle.index + (backward ? count - 1 : 1)) % count
            apply(&cycle, to: &editor)
            return true
        }
        guard var started = Self.start(editor, commands: commands, nicks: nicks) else { return false }
        if backward { started.index = started.replacements.count - 1 }
        apply(&started, to: &editor)
        return true
    }

    /// Ends the cycle; the next Tab starts from the text then under the cursor.
    public mutating func end() { cycle = nil }

    private mutating func apply(_ next: inout Cycle, to editor: inout LineEditor) {
        let replacement = next.replacements[next.index]
        editor.replace(next.start..<(next.start + next.length), with: replacement)
        next.length = replacement.count
        cycle = next
    }

    /// The candidates for the word before the cursor, or nil when there are none.
    static func start(_ editor: LineEditor, commands: CommandTable, nicks: [String]) -> Cycle? {
        let characters = editor.characters
        var start = editor.cursor
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        var word = String(characters[start..<editor.cursor])
        let replacements: [String]
        if start == 0, word.hasPrefix("/") {
            let prefix = word.dropFirst().lowercased()
            replacements = commands.visible.map(\.name).filter { $0.hasPrefix(prefix) }.map { "/" + $0 + " " }
        } else {
            let lineStart = start == 0
            if word.hasPrefix("@") {
                word.removeFirst()
                start += 1
            }
            guard !word.isEmpty else { return nil }
            let prefix = word.lowercased()
            var seen = Set<String>()
            replacements = nicks.filter { $0.lowercased().hasPrefix(prefix) && seen.insert($0).inserted }
                .map { lineStart ? $0 + addressSuffix : $0 }
        }
        guard !replacements.isEmpty else { return nil }
        return Cycle(replacements: replacements, index: 0, start: start, length: editor.cursor - start)
    }
}
