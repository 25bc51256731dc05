/// Why a theme could not be loaded.
public enum ThemeError: Error, Hashable, Sendable {
    /// What is wrong with one line of a theme file.
    public enum Reason: Error, Hashable, Sendable {
        case missingEquals
        case emptyValue(role: String)
        case unknownRole(String)
        case duplicateRole(String)
        case badColor(String)
        case missingBackground
        case unexpectedWord(String)
        case emptyStyle
    }

    /// `file` line `line` (1-based) is not valid theme text.
    case badLine(file: String, line: Int, Reason)
    /// No user file and no built-in theme has this name.
    case notFound(name: String, searched: [String])
    /// A theme name must be letters, digits, `-` and `_` (it becomes a file name).
    case badName(String)
    /// The file exists but could not be read as UTF-8.
    case unreadable(file: String)
}
