/// The lines the user sent, browsed with Up/Down. The line being typed (the draft) is kept while browsing and
/// comes back after the newest entry. Empty lines and a repeat of the newest entry are not recorded; the
/// oldest entries go beyond `capacity`. The App saves `entries` and gives them back to `init` at start.
public struct InputHistory: Hashable, Sendable {
    /// Entries kept by default.
    public static let defaultCapacity = 500

    /// Oldest first.
    public private(set) var entries: [String]
    public let capacity: Int
    /// Index into `entries` while browsing; nil while editing the draft.
    public private(set) var position: Int?
    private var draft = ""

    public init(entries: [String] = [], capacity: Int = InputHistory.defaultCapacity) {
        self.capacity = max(capacity, 1)
        self.entries = []
        for entry in entries { record(entry) }
    }

    /// Adds a sent line and stops browsing.
    public mutating func record(_ line: String) {
        position = nil
        draft = ""
        guard !line.isEmpty, line != entries.last else { return }
        entries.append(line)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// Up: the entry before the one shown; `current` is the line on screen (kept as the draft when browsing
    /// starts). nil at the oldest entry.
    public mutating func previous(current: String) -> String? {
        let target = (position ?? entries.count) - 1
        guard target >= 0 else { return nil }
        if position == nil { draft = current }
        position = target
        return entries[target]
    }

    /// Down: the entry after the one shown, or the draft after the newest; nil when already on the draft.
    public mutating func next() -> String? {
        guard let position else { return nil }
        if position + 1 < entries.count {
            self.position = position + 1
            return entries[position + 1]
        }
        self.position = nil
        return draft
    }

    /// Stops browsing (the line on screen becomes the draft).
    public mutating func stopBrowsing() {
        position = nil
        draft = ""
    }
}
