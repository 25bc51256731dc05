/// Turns a `ChatEntry` into screen rows for a given width:
///
///     13:05 <alice·3fa9> a message that is long enough to wrap
///                        onto a second row under its own text
///     Nov 24 13:05 * bob·77c1 waves                (a date when not today)
///     13:06 → carol·01ab joined                    (dim system lines)
///
/// Nick colours come from a stable hash of the author's PeerID over the theme's palette; our own nick has its
/// role colour; whole-word, case-insensitive mentions of `ownNick` are highlighted. Every peer string is
/// sanitised before it is measured.
public struct MessageFormatter: Hashable, Sendable {
    public var theme: Theme
    public var ownNick: String
    /// "Now" in Unix seconds: entries from another day than this one show their date.
    public var now: Int64
    /// Seconds east of UTC for the local clock (the App reads it from the system; tests fix it).
    public var utcOffset: Int

    public init(theme: Theme, ownNick: String, now: Int64, utcOffset: Int = 0) {
        self.theme = theme; self.ownNick = ownNick; self.now = now; self.utcOffset = utcOffset
    }

    /// Text keeps a hanging indent under itself while at least this many columns are left for it; on narrower
    /// rows the prefix and the text wrap together from column 0.
    public static let minTextWidth = 10

    /// The local day of `now`: entries of this day show no date.
    var today: Int64 { floorDiv(now + Int64(utcOffset), 86_400) }

    /// Whether both format every entry alike: the same theme, nick, offset and day (`now` may differ within
    /// the day, so the App can pass the clock each tick without reflowing).
    public func formatsLike(_ other: MessageFormatter) -> Bool {
        theme == other.theme && ownNick == other.ownNick && utcOffset == other.utcOffset && today == other.today
    }

    /// Rows for `entry` at `width` columns (at least one row; width below 1 is treated as 1).
    public func rows(for entry: ChatEntry, width: Int) -> [Row] {
        let width = max(1, width)
        let (prefix, body) = spans(for: entry)
        let prefixWidth = prefix.reduce(0) { $0 + $1.width }
        guard width - prefixWidth >= MessageFormatter.minTextWidth else {
            return WordWrap.wrap(prefix + body, firstWidth: width, restWidth: width).map { Row($0) }
        }
        let indent = Span(String(repeating: " ", count: prefixWidth))
        let lines = WordWrap.wrap(body, firstWidth: width - prefixWidth, restWidth: width - prefixWidth)
        return lines.enumerated().map { index, spans in Row((index == 0 ? prefix : [indent]) + spans) }
    }

    /// The prefix (time and author, kept together on the first row when there is room) and the body.
    func spans(for entry: ChatEntry) -> (prefix: [Span], body: [Span]) {
        // A line that mentions us (as the App decided, even if our nick has changed since) marks its time.
        let time = Span(timeText(entry.timestamp) + " ", entry.mentionsMe && !entry.isOwn ? theme.mention : theme.timestamp)
        let label = Sanitizer.sanitize(entry.authorLabel)
        let text = Sanitizer.sanitize(entry.text)
        switch entry.kind {
        case .message:
            return ([time, Span("<" + label + ">", nickStyle(entry)), Span(" ", theme.text)], highlighted(text, entry))
        case .action:
            return ([time, Span("* ", theme.text), Span(label, nickStyle(entry)), Span(" ", theme.text)], highlighted(text, entry))
        case .join:
            return ([time], [Span("→ " + label + " " + (text.isEmpty ? "joined" : text), theme.system)])
        case .leave:
            return ([time], [Span("← " + label + " " + (text.isEmpty ? "left" : text), theme.system)])
        case .info:
            return ([time, Span("-- ", theme.system)], [Span(text, theme.system)])
        case .error:
            return ([time, Span("!! ", theme.error)], [Span(text, theme.error)])
        }
    }

    /// Our nick's role style, or a palette style picked by the PeerID.
    func nickStyle(_ entry: ChatEntry) -> Style {
        if entry.isOwn { return theme.ownNick }
        return MessageFormatter.paletteStyle(for: entry.authorKey, in: theme)
    }

    /// A palette entry chosen by a stable hash of `key` (FNV-1a, the same in every run and on every machine).
    public static func paletteStyle(for key: String, in theme: Theme) -> Style {
        guard !theme.nickPalette.isEmpty else { return theme.text }
        var hash: UInt32 = 0x811C_9DC5
        for byte in key.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return theme.nickPalette[Int(hash % UInt32(theme.nickPalette.count))]
    }

    /// Text spans with mentions of our nick in the mention style (not in our own messages).
    func highlighted(_ text: String, _ entry: ChatEntry) -> [Span] {
        let ranges = entry.isOwn ? [] : MessageFormatter.mentionRanges(nick: ownNick, in: text)
        guard !ranges.isEmpty else { return [Span(text, theme.text)] }
        let characters = Array(text)
        var out: [Span] = []
        var at = 0
        for range in ranges {
            if range.lowerBound > at { out.append(Span(String(characters[at..<range.lowerBound]), theme.text)) }
            out.append(Span(String(characters[range]), theme.mention))
            at = range.upperBound
        }
        if at < characters.count { out.append(Span(String(characters[at...]), theme.text)) }
        return out
    }

    // MARK: Time

    /// `HH:MM` today, `Nov 24 13:05` on another day of this year, `2025-11-24 13:05` in another year.
    func timeText(_ timestamp: Int64) -> String {
        let local = timestamp + Int64(utcOffset)
        let day = floorDiv(local, 86_400)
        let seconds = Int(local - day * 86_400)
        let clock = pad(seconds / 3600) + ":" + pad(seconds % 3600 / 60)
        if day == today { return clock }
        let date = MessageFormatter.civil(fromDays: day)
        if date.year == MessageFormatter.civil(fromDays: today).year {
            return MessageFormatter.months[date.month - 1] + " " + pad(date.day) + " " + clock
        }
        return "\(date.year)-" + pad(date.month) + "-" + pad(date.day) + " " + clock
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Year, month and day of a count of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
