/// The joined rooms as numbered windows (Alt-1 is the first): which one is shown, and the unread and mention
/// counts of the others for the status line. Counts reset when a window is shown.
public struct Windows: Hashable, Sendable {
    public struct Window: Hashable, Sendable {
        public var room: String
        public var unread = 0
        public var mentions = 0
        /// When it last had news (a counter, larger is more recent), for the activity order.
        public var lastActivity = 0

        public init(room: String) { self.room = room }
    }

    public private(set) var windows: [Window] = []
    /// Index of the shown window (0 when there is none).
    public private(set) var current = 0
    private var activityClock = 0

    public init(rooms: [String] = []) {
        for room in rooms { open(room) }
    }

    public var currentRoom: String? { windows.indices.contains(current) ? windows[current].room : nil }

    /// The window's index, adding it at the end if the room is new. Does not switch to it.
    @discardableResult
    public mutating func open(_ room: String) -> Int {
        if let i = index(of: room) { return i }
        windows.append(Window(room: room))
        return windows.count - 1
    }

    /// Closes the room's window; the shown window stays the same room when it still exists.
    public mutating func close(_ room: String) {
        guard let i = index(of: room) else { return }
        windows.remove(at: i)
        if i < current || current >= windows.count { current = max(0, current - 1) }
        if windows.indices.contains(current) { windows[current].unread = 0; windows[current].mentions = 0 }
    }

    public func index(of room: String) -> Int? { windows.firstIndex { $0.room == room } }

    /// Shows window `index` (0-based); out of range does nothing and returns false.
    @discardableResult
    public mutating func select(_ index: Int) -> Bool {
        guard windows.indices.contains(index) else { return false }
        current = index
        windows[index].unread = 0
        windows[index].mentions = 0
        return true
    }

    /// Alt-N: window `number` counted from 1.
    @discardableResult
    public mutating func select(number: Int) -> Bool { select(number - 1) }

    public mutating func selectNext() { nextIndex.map { select($0) } }
    public mutating func selectPrevious() { previousIndex.map { select($0) } }

    /// The window after the shown one, wrapping; nil when there are none.
    public var nextIndex: Int? { windows.isEmpty ? nil : (current + 1) % windows.count }
    /// The window before the shown one, wrapping; nil when there are none.
    public var previousIndex: Int? { windows.isEmpty ? nil : (current + windows.count - 1) % windows.count }

    /// A new entry in `room`: counted unless its window is shown.
    public mutating func noteEntry(in room: String, mention: Bool) {
        guard let i = index(of: room), i != current else { return }
        activityClock += 1
        windows[i].unread += 1
        if mention { windows[i].mentions += 1 }
        windows[i].lastActivity = activityClock
    }

    /// Windows with unread entries, those with mentions first, then the most recently active.
    public var activity: [Int] {
        windows.indices.filter { windows[$0].unread > 0 }.sorted { a, b in
            let (x, y) = (windows[a], windows[b])
            if (x.mentions > 0) != (y.mentions > 0) { return x.mentions > 0 }
            return x.lastActivity > y.lastActivity
        }
    }
}
