/// The rooms' windows with one `Scrollback` each: what the App calls when entries arrive, rooms are joined or
/// left, and the user switches windows or scrolls. Switching away from a window marks it read, so the unread
/// marker shows where its news starts when the user comes back.
public final class ChatView {
    public private(set) var windows = Windows()
    private var scrollbacks: [String: Scrollback] = [:]
    let source: HistorySource
    /// The formatter every room uses (theme, nick, clock); setting it passes it to each scrollback.
    public var formatter: MessageFormatter {
        didSet { for scrollback in scrollbacks.values { scrollback.formatter = formatter } }
    }

    public init(source: HistorySource, formatter: MessageFormatter, rooms: [String] = []) {
        self.source = source
        self.formatter = formatter
        for room in rooms { open(room) }
    }

    /// The shown room's scrollback.
    public var current: Scrollback? { windows.currentRoom.flatMap { scrollbacks[$0] } }

    public func scrollback(for room: String) -> Scrollback? { scrollbacks[room] }

    /// Opens a window for `room` (or finds it) and returns its index; `show` switches to it.
    @discardableResult
    public func open(_ room: String, show: Bool = false) -> Int {
        let index = windows.open(room)
        if scrollbacks[room] == nil { scrollbacks[room] = Scrollback(room: room, source: source, formatter: formatter) }
        if show { select(index) }
        return index
    }

    public func close(_ room: String) {
        windows.close(room)
        scrollbacks[room] = nil
    }

    /// A new, already stored entry. Returns true when it should ring the bell: it mentions us and is not ours.
    @discardableResult
    public func receive(_ entry: ChatEntry) -> Bool {
        guard let scrollback = scrollbacks[entry.room] else { return false }
        scrollback.append(entry)
        let mention = entry.mentionsMe && !entry.isOwn
        if !entry.isOwn { windows.noteEntry(in: entry.room, mention: mention) }
        return mention
    }

    /// Shows window `index` (0-based), marking the window left as read.
    @discardableResult
    public func select(_ index: Int) -> Bool {
        guard windows.windows.indices.contains(index) else { return false }
        if index != windows.current { current?.markRead() }
        return windows.select(index)
    }

    /// Alt-N.
    @discardableResult
    public func select(number: Int) -> Bool { select(number - 1) }

    public func selectNext() { windows.nextIndex.map { select($0) } }
    public func selectPrevious() { windows.previousIndex.map { select($0) } }
}
