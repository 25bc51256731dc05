/// Names one scheduled timer. Never reused by the heap that minted it.
public struct TimerID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "TimerID(\(rawValue))" }
}

/// A binary min-heap of timers ordered by `(deadline, id)`.
///
/// IDs grow monotonically, so timers with equal deadlines come out in the order they were inserted
/// (FIFO), as in libuv. Each timer's slot is tracked, so `remove` is a real O(log n) deletion: a
/// keep-alive re-armed on every message does not leave a trail of dead entries behind.
///
///               (t=5,#3)                 entries[0] is always the earliest
///              /        \                children of i: 2i+1, 2i+2
///        (t=5,#7)      (t=9,#1)          slots[id] == index of id in entries
///        /
///   (t=8,#4)
public struct TimerHeap<Payload> {
    private struct Entry {
        var deadline: Instant
        var id: TimerID
        var payload: Payload

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : id.rawValue < other.id.rawValue
        }
    }

    private var entries: [Entry] = []
    private var slots: [TimerID: Int] = [:]
    private var nextID: UInt64 = 1

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The earliest deadline, if any timer is pending.
    public var nextDeadline: Instant? { entries.first?.deadline }

    public func contains(_ id: TimerID) -> Bool { slots[id] != nil }

    /// Adds a timer and returns its ID.
    @discardableResult
    public mutating func insert(_ payload: Payload, at deadline: Instant) -> TimerID {
        let id = TimerID(rawValue: nextID)
        nextID += 1
        entries.append(Entry(deadline: deadline, id: id, payload: payload))
        slots[id] = entries.count - 1
        siftUp(entries.count - 1)
        return id
    }

    /// Removes a pending timer, returning its payload; `nil` if it already fired or was removed.
    @discardableResult
    public mutating func remove(_ id: TimerID) -> Payload? {
        guard let index = slots[id] else { return nil }
        return removeEntry(at: index)
    }

    /// Removes and returns the earliest timer if its deadline is at or before `now`.
    public mutating func popFirst(dueBy now: Instant) -> (id: TimerID, payload: Payload)? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let payload = removeEntry(at: 0)
        return (first.id, payload)
    }

    // MARK: - Heap maintenance

    private mutating func removeEntry(at index: Int) -> Payload {
        let removed = entries[index]
        slots[removed.id] = nil
        let last = entries.count - 1
        if index != last {
            entries.swapAt(index, last)
            slots[entries[index].id] = index
        }
        entries.removeLast()
        if index < entries.count {
            // The moved entry may belong above or below its new slot; one of these is a no-op.
            siftUp(index)
            siftDown(index)
        }
        return removed.payload
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { return }
            swapEntries(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
            if smallest == parent { return }
            swapEntries(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapEntries(_ i: Int, _ j: Int) {
        entries.swapAt(i, j)
        slots[entries[i].id] = i
        slots[entries[j].id] = j
    }
}
