@testable import TUI

/// A room of `count` entries generated on demand (`m0` oldest … `m<count-1>` newest), never held whole.
/// Entry `n`'s text is "message n", plus `longEvery`-spaced long ones that wrap to several rows.
final class FakeHistory: HistorySource {
    var count: Int
    let room: String
    var pagesServed = 0
    var longEvery: Int?

    init(count: Int, room: String = "r", longEvery: Int? = nil) {
        self.count = count; self.room = room; self.longEvery = longEvery
    }

    static func number(_ id: ChatEntry.ID) -> Int { Int(id.dropFirst())! }

    func entry(_ n: Int) -> ChatEntry {
        var text = "message \(n)"
        if let every = longEvery, n % every == 0 { text += String(repeating: " and more words", count: 8) }
        return ChatEntry(id: "m\(n)", room: room, authorKey: "k\(n % 7)", authorLabel: "p\(n % 7)", text: text,
                         timestamp: 1_795_525_500)
    }

    func page(room: String, before: ChatEntry.ID?, limit: Int) -> [ChatEntry] {
        pagesServed += 1
        let end = before.map(FakeHistory.number) ?? count
        return (max(0, end - limit)..<end).map(entry)
    }

    func page(room: String, after: ChatEntry.ID?, limit: Int) -> [ChatEntry] {
        pagesServed += 1
        let start = after.map { FakeHistory.number($0) + 1 } ?? 0
        return (start..<min(count, start + limit)).map(entry)
    }
}
