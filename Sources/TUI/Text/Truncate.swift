extension DisplayWidth {
    public static let ellipsis = "…"

    /// `text` cut to at most `columns` columns, ending in `…` when something was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        let cut = prefix(of: text[...], fitting: columns - 1)
        return String(text[..<cut.end]) + ellipsis
    }
}
