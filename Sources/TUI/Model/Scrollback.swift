/// One room's message pane: which entries are loaded, how they wrap at the current width, and which rows the
/// viewport shows.
///
/// - **Lazy, bounded paging.** Entries are a contiguous slice of the room's history, loaded `pageSize` at a
///   time from a `HistorySource` as the viewport nears either end of the slice, and never more than
///   `maxLoadedEntries`: loading at one end drops entries at the other, far from the viewport, and they are
///   paged in again (`page(after:)`) when the user scrolls back. So 10^6 stored messages cost what 10 do.
/// - **Reflow.** Wrapped rows are cached per loaded entry for the current width and theme, and recomputed
///   lazily after `resize` or a formatter change.
/// - **Viewport.** While following, the newest row is at the bottom and new entries scroll in. Scrolled up, the
///   top row is anchored to an entry and a row within it, so new entries (and a resize) do not move what the
///   user reads; "N new below" counts what arrived meanwhile. Scrolling back to the bottom follows again.
/// - **Unread marker.** A `── new ──` row follows the `readMarker` entry when newer entries exist.
public final class Scrollback {
    /// Entries fetched per page.
    public static let pageSize = 200
    /// At most this many entries are held. Screens taller than `maxLoadedEntries / 2 - pageSize` rows would
    /// need more; that is far beyond any terminal.
    public static let maxLoadedEntries = 1_000

    public let room: String
    let source: HistorySource
    /// Formats entries into rows; a change that formats differently (theme, nick, day) reflows.
    public var formatter: MessageFormatter {
        didSet { if !formatter.formatsLike(oldValue) { invalidateRows() } }
    }
    public private(set) var width = 0
    public private(set) var height = 0

    /// The loaded slice, oldest first, with each entry's wrapped rows once computed.
    private(set) var entries: [ChatEntry] = []
    private var wrapped: [[Row]?] = []
    private var loadedIDs = Set<ChatEntry.ID>()
    private var loaded = false
    /// `entries.first` is the room's oldest entry / `entries.last` its newest.
    private(set) var reachesOldest = false
    private(set) var reachesNewest = false
    /// The top row shown while scrolled up; nil while following the newest.
    private var anchor: (id: ChatEntry.ID, row: Int)?

    /// Entries that arrived below the viewport while scrolled up.
    public private(set) var newBelow = 0
    /// The last entry the user has seen; the unread marker follows it.
    public var readMarker: ChatEntry.ID?

    public init(room: String, source: HistorySource, formatter: MessageFormatter) {
        self.room = room
        self.source = source
        self.formatter = formatter
    }

    public var isFollowing: Bool { anchor == nil }
    /// How many entries are held (never more than `maxLoadedEntries`).
    public var loadedCount: Int { entries.count }

    /// Sets the pane size; a new width reflows every entry.
    public func resize(width: Int, height: Int) {
        if width != self.width { invalidateRows() }
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// A new entry of this room, already stored. Shown at once while the newest entries are loaded; counted
    /// in `newBelow` while scrolled up.
    public func append(_ entry: ChatEntry) {
        guard entry.room == room, !loadedIDs.contains(entry.id) else { return }
        if anchor != nil { newBelow += 1 }
        guard loaded, reachesNewest else { return }   // the next page from the store brings it
        entries.append(entry)
        wrapped.append(nil)
        loadedIDs.insert(entry.id)
        trimAroundViewport()
    }

    /// Marks everything loaded as read: newer entries will appear below the marker line.
    public func markRead() {
        if reachesNewest, let last = entries.last { readMarker = last.id }
    }

    /// `/clear`: empties the pane (not the store) and follows again; older entries are not paged back in.
    public func clear() {
        replace(with: [], oldest: true, newest: true)
        anchor = nil
        newBelow = 0
        readMarker = nil
    }

    // MARK: Viewport

    /// The `height` rows the pane shows: following, the newest rows at the bottom (empty rows above when the
    /// room is short); scrolled up, from the anchor down.
    public func visibleRows() -> [Row] {
        guard height > 0, width > 0 else { return [] }
        loadIfNeeded()
        if let (i, r) = anchorPosition() {
            var out = Array(displayRows(i).dropFirst(r))
            var j = i + 1
            while out.count < height {
                if j == entries.count {
                    let (added, dropped) = loadNewer()
                    if added == 0 { break }
                    j -= dropped
                    continue
                }
                out += displayRows(j)
                j += 1
            }
            if out.count >= height { return Array(out.prefix(height)) }
            anchor = nil   // the bottom came into view (e.g. after a resize): follow again
            newBelow = 0
        }
        guard let (i, r) = followingTop() else { return Array(repeating: Row(), count: height) }
        var out = Array(displayRows(i).dropFirst(r))
        for j in (i + 1)..<max(i + 1, entries.count) { out += displayRows(j) }
        out = Array(out.suffix(height))
        return Array(repeating: Row(), count: height - out.count) + out
    }

    /// Scrolls toward older entries by `lines` rows (the mouse wheel).
    public func scrollUp(_ lines: Int) {
        loadIfNeeded()
        guard lines > 0, var (i, r) = anchorPosition() ?? followingTop() else { return }
        var n = lines
        while n > 0 {
            if r > 0 {
                let step = min(r, n); r -= step; n -= step
            } else if i > 0 {
                i -= 1; r = displayRows(i).count
            } else {
                let added = loadOlder()
                if added == 0 { break }
                i += added
            }
        }
        anchor = (entries[i].id, r)
        trimAroundViewport()
    }

    /// Scrolls toward newer entries by `lines` rows; reaching the bottom follows again.
    public func scrollDown(_ lines: Int) {
        loadIfNeeded()
        guard lines > 0, var (i, r) = anchorPosition() else { return }
        var n = lines
        while n > 0 {
            let rows = displayRows(i).count
            if r + 1 < rows {
                let step = min(rows - 1 - r, n); r += step; n -= step
            } else if i + 1 < entries.count {
                i += 1; r = 0; n -= 1
            } else {
                let (added, dropped) = loadNewer()
                if added == 0 { break }
                i -= dropped
            }
        }
        anchor = (entries[i].id, r)
        if rowsFrom(i, r, atMost: height) <= height { follow() }
        trimAroundViewport()
    }

    /// PgUp: a page minus one line, so one row stays on screen for context.
    public func pageUp() { scrollUp(max(1, height - 1)) }
    /// PgDn: a page minus one line.
    public func pageDown() { scrollDown(max(1, height - 1)) }

    /// Home: the room's oldest entry at the top.
    public func scrollToOldest() {
        loadIfNeeded()
        if !reachesOldest {
            let page = source.page(room: room, after: nil, limit: Scrollback.pageSize)
            replace(with: page, oldest: true, newest: page.count < Scrollback.pageSize)
        }
        guard let first = entries.first else { return follow() }
        anchor = (first.id, 0)
        if reachesNewest, rowsFrom(0, 0, atMost: height) <= height { follow() }
    }

    /// End: the newest entries, following again.
    public func scrollToNewest() {
        if loaded && !reachesNewest {
            let page = source.page(room: room, before: nil, limit: Scrollback.pageSize)
            replace(with: page, oldest: page.count < Scrollback.pageSize, newest: true)
        }
        follow()
    }

    // MARK: Positions

    private func follow() {
        anchor = nil
        newBelow = 0
    }

    /// The anchor as (index, row), its row clamped to the entry's current height; nil while following or when
    /// the anchored entry is gone.
    private func anchorPosition() -> (Int, Int)? {
        guard let anchor, let i = entries.firstIndex(where: { $0.id == anchor.id }) else {
            if anchor != nil { follow() }
            return nil
        }
        return (i, min(anchor.row, displayRows(i).count - 1))
    }

    /// The top row while following: `height` rows above the bottom, loading older pages if the slice is short.
    private func followingTop() -> (Int, Int)? {
        var total = 0
        var i = entries.count - 1
        while true {
            if i < 0 {
                let added = loadOlder()
                if added == 0 { return entries.isEmpty ? nil : (0, 0) }
                i += added
                continue
            }
            total += displayRows(i).count
            if total >= height { return (i, total - height) }
            i -= 1
        }
    }

    /// Rows from (i, r) to the newest entry, counted up to just past `limit`.
    private func rowsFrom(_ i: Int, _ r: Int, atMost limit: Int) -> Int {
        var total = displayRows(i).count - r
        var j = i + 1
        while total <= limit {
            if j == entries.count {
                let (added, dropped) = loadNewer()
                if added == 0 { break }
                j -= dropped
                continue
            }
            total += displayRows(j).count
            j += 1
        }
        return total
    }

    // MARK: Rows

    /// The entry's wrapped rows, plus the unread marker after the read-marker entry when newer ones exist.
    private func displayRows(_ i: Int) -> [Row] {
        let rows: [Row]
        if let cached = wrapped[i] {
            rows = cached
        } else {
            rows = formatter.rows(for: entries[i], width: width)
            wrapped[i] = rows
        }
        guard entries[i].id == readMarker, i + 1 < entries.count || !reachesNewest else { return rows }
        return rows + [unreadMarkerRow()]
    }

    static let unreadLabel = " new "

    /// `──── new ────` across the pane.
    private func unreadMarkerRow() -> Row {
        let label = Scrollback.unreadLabel
        let side = max(0, width - DisplayWidth.of(label))
        let text = String(repeating: "─", count: side / 2) + label + String(repeating: "─", count: side - side / 2)
        return Canvas.clip(Row([Span(text, formatter.theme.unreadMarker)]), to: width)
    }

    private func invalidateRows() {
        wrapped = Array(repeating: nil, count: entries.count)
    }

    // MARK: Paging

    private func loadIfNeeded() {
        guard !loaded else { return }
        let page = source.page(room: room, before: nil, limit: Scrollback.pageSize)
        replace(with: page, oldest: page.count < Scrollback.pageSize, newest: true)
    }

    private func replace(with page: [ChatEntry], oldest: Bool, newest: Bool) {
        entries = page
        wrapped = Array(repeating: nil, count: page.count)
        loadedIDs = Set(page.map(\.id))
        reachesOldest = oldest
        reachesNewest = newest
        loaded = true
    }

    /// Prepends the page before the first entry; drops entries at the newest end beyond the cap.
    /// Returns how many were prepended (indexes shift up by that much).
    private func loadOlder() -> Int {
        guard !reachesOldest else { return 0 }
        let page = source.page(room: room, before: entries.first?.id, limit: Scrollback.pageSize)
            .filter { !loadedIDs.contains($0.id) }
        if page.count < Scrollback.pageSize { reachesOldest = true }
        entries.insert(contentsOf: page, at: 0)
        wrapped.insert(contentsOf: Array(repeating: nil, count: page.count), at: 0)
        loadedIDs.formUnion(page.map(\.id))
        let excess = entries.count - Scrollback.maxLoadedEntries
        if excess > 0 { dropNewest(excess) }
        return page.count
    }

    /// Appends the page after the last entry; drops entries at the oldest end beyond the cap.
    /// Returns how many were appended and dropped (indexes shift down by `dropped`).
    private func loadNewer() -> (added: Int, dropped: Int) {
        guard !reachesNewest, let last = entries.last else { return (0, 0) }
        let page = source.page(room: room, after: last.id, limit: Scrollback.pageSize)
            .filter { !loadedIDs.contains($0.id) }
        if page.count < Scrollback.pageSize { reachesNewest = true }
        entries += page
        wrapped += Array(repeating: nil, count: page.count)
        loadedIDs.formUnion(page.map(\.id))
        let excess = max(0, entries.count - Scrollback.maxLoadedEntries)
        if excess > 0 { dropOldest(excess) }
        return (page.count, excess)
    }

    /// Keeps at most `maxLoadedEntries`, centred on the viewport's top entry (or the newest while following).
    private func trimAroundViewport() {
        let excess = entries.count - Scrollback.maxLoadedEntries
        guard excess > 0 else { return }
        let top = anchor.flatMap { a in entries.firstIndex { $0.id == a.id } } ?? entries.count - 1
        let front = min(max(0, top - Scrollback.maxLoadedEntries / 2), excess)
        if front > 0 { dropOldest(front) }
        if excess - front > 0 { dropNewest(excess - front) }
    }

    private func dropOldest(_ n: Int) {
        for entry in entries.prefix(n) { loadedIDs.remove(entry.id) }
        entries.removeFirst(n)
        wrapped.removeFirst(n)
        reachesOldest = false
    }

    private func dropNewest(_ n: Int) {
        for entry in entries.suffix(n) { loadedIDs.remove(entry.id) }
        entries.removeLast(n)
        wrapped.removeLast(n)
        reachesNewest = false
    }
}
