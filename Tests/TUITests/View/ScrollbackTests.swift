import Testing
@testable import TUI

@Suite("Scrollback: lazy bounded paging, reflow, anchored viewport, unread marker")
struct ScrollbackTests {
    static let formatter = MessageFormatter(theme: .plain, ownNick: "me", now: 1_795_525_500)

    func make(_ history: FakeHistory, width: Int = 40, height: Int = 10) -> Scrollback {
        let scrollback = Scrollback(room: "r", source: history, formatter: ScrollbackTests.formatter)
        scrollback.resize(width: width, height: height)
        return scrollback
    }

    /// Entry numbers on screen, top to bottom (continuation rows and blanks left out).
    func shown(_ scrollback: Scrollback) -> [Int] {
        scrollback.visibleRows().compactMap { row -> Int? in
            let t = text(row)
            guard let range = t.range(of: "message ") else { return nil }
            return Int(t[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test("follows the newest entries at the bottom; a short room sits at the bottom with blank rows above")
    func following() {
        let scrollback = make(FakeHistory(count: 1_000_000))
        #expect(shown(scrollback) == Array(999_990..<1_000_000))
        #expect(scrollback.isFollowing)
        let short = make(FakeHistory(count: 3))
        let rows = short.visibleRows()
        #expect(rows.count == 10)
        #expect(rows.prefix(7).allSatisfy { $0.spans.isEmpty })
        #expect(shown(short) == [0, 1, 2])
    }

    @Test("10^6 entries: Home, End, paging both ways, never more than the cap held")
    func millionEntries() {
        let history = FakeHistory(count: 1_000_000)
        let scrollback = make(history)
        _ = scrollback.visibleRows()
        scrollback.scrollToOldest()
        #expect(shown(scrollback) == Array(0..<10))
        #expect(!scrollback.isFollowing)
        for page in 1...300 {
            scrollback.pageDown()
            #expect(shown(scrollback).first == 9 * page)
            #expect(scrollback.loadedCount <= Scrollback.maxLoadedEntries)
        }
        scrollback.scrollToNewest()
        #expect(scrollback.isFollowing)
        #expect(shown(scrollback) == Array(999_990..<1_000_000))
        for page in 1...300 {
            scrollback.pageUp()
            #expect(shown(scrollback).first == 999_990 - 9 * page)
            #expect(scrollback.loadedCount <= Scrollback.maxLoadedEntries)
        }
        scrollback.scrollUp(50_000)   // a huge wheel burst pages through the store without holding it
        #expect(shown(scrollback).first == 999_990 - 2700 - 50_000)
        #expect(scrollback.loadedCount <= Scrollback.maxLoadedEntries)
        #expect(history.pagesServed < 400)
    }

    @Test("every entry is seen once, in order, paging from the newest to the oldest and back")
    func pageThroughWholeRoom() {
        let history = FakeHistory(count: 5_000, longEvery: 13)
        let scrollback = make(history, width: 40, height: 12)
        var seen: [Int] = []
        var previous = scrollback.visibleRows()
        seen = shown(scrollback).reversed()
        while true {
            scrollback.pageUp()
            let rows = scrollback.visibleRows()
            if rows == previous { break }
            if shown(scrollback).first != 0 { #expect(rows.last == previous.first) }   // one row of context stays
            for n in shown(scrollback).reversed() where n < seen.last! { seen.append(n) }
            previous = rows
            #expect(scrollback.loadedCount <= Scrollback.maxLoadedEntries)
        }
        #expect(seen == Array((0..<5_000).reversed()))
        var down = shown(scrollback)
        while !scrollback.isFollowing {
            scrollback.pageDown()
            for n in shown(scrollback) where n > down.last! { down.append(n) }
        }
        #expect(down == Array(0..<5_000))
    }

    @Test("new entries scroll in while following and leave the view still while scrolled up")
    func followVersusAnchored() {
        let history = FakeHistory(count: 100)
        let scrollback = make(history)
        _ = scrollback.visibleRows()
        func arrive() {
            scrollback.append(history.entry(history.count))
            history.count += 1
        }
        arrive()
        #expect(shown(scrollback).last == 100)
        scrollback.scrollUp(5)
        let before = shown(scrollback)
        arrive(); arrive()
        #expect(shown(scrollback) == before)
        #expect(scrollback.newBelow == 2)
        scrollback.scrollDown(3)
        #expect(!scrollback.isFollowing)
        scrollback.scrollDown(100)
        #expect(scrollback.isFollowing)
        #expect(scrollback.newBelow == 0)
        #expect(shown(scrollback).last == 102)
        scrollback.append(history.entry(50))   // already loaded: not shown twice
        #expect(shown(scrollback).last == 102)
    }

    @Test("a resize reflows and keeps the anchored entry at the top")
    func reflow() {
        let history = FakeHistory(count: 400, longEvery: 3)
        let scrollback = make(history, width: 60, height: 10)
        _ = scrollback.visibleRows()
        scrollback.scrollUp(40)
        let top = shown(scrollback).first!
        let wide = scrollback.visibleRows()
        scrollback.resize(width: 25, height: 10)
        let narrow = scrollback.visibleRows()
        #expect(shown(scrollback).first == top)
        #expect(narrow != wide)
        #expect(narrow.allSatisfy { $0.width <= 25 })
        scrollback.resize(width: 120, height: 10)
        #expect(shown(scrollback).first == top)
        #expect(scrollback.visibleRows().allSatisfy { $0.width <= 120 })
    }

    @Test("the unread marker follows the read entry once newer entries exist")
    func unreadMarker() {
        let history = FakeHistory(count: 20)
        let scrollback = make(history, height: 6)
        _ = scrollback.visibleRows()
        scrollback.markRead()
        #expect(!scrollback.visibleRows().contains { text($0).contains(" new ") })
        for _ in 0..<2 {
            scrollback.append(history.entry(history.count))
            history.count += 1
        }
        let rows = scrollback.visibleRows().map(text)
        let marker = rows.firstIndex { $0.contains("─ new ─") }!
        #expect(rows[marker - 1].contains("message 19"))
        #expect(rows[marker + 1].contains("message 20"))
        #expect(rows[marker].count == 40)
    }

    @Test("/clear empties the pane, not the store, and new entries still arrive")
    func clear() {
        let history = FakeHistory(count: 50)
        let scrollback = make(history)
        _ = scrollback.visibleRows()
        scrollback.clear()
        #expect(shown(scrollback).isEmpty)
        scrollback.pageUp()
        #expect(shown(scrollback).isEmpty)
        scrollback.append(history.entry(50))
        #expect(shown(scrollback) == [50])
        #expect(history.count == 50)
    }

    @Test("an empty room and a zero-sized pane render without trouble")
    func empty() {
        let scrollback = make(FakeHistory(count: 0))
        #expect(scrollback.visibleRows().count == 10)
        scrollback.pageUp(); scrollback.pageDown(); scrollback.scrollToOldest(); scrollback.scrollToNewest()
        #expect(scrollback.isFollowing)
        scrollback.resize(width: 0, height: 0)
        #expect(scrollback.visibleRows().isEmpty)
    }

    @Test("far up in a huge room, new entries are counted, left in the store, and shown by End")
    func newWhileFarUp() {
        let history = FakeHistory(count: 1_000_000)
        let scrollback = make(history)
        scrollback.scrollToOldest()
        for _ in 0..<3 {
            scrollback.append(history.entry(history.count))
            history.count += 1
        }
        #expect(scrollback.newBelow == 3)
        #expect(shown(scrollback) == Array(0..<10))
        scrollback.scrollToNewest()
        #expect(shown(scrollback) == Array(999_993..<1_000_003))
        #expect(scrollback.newBelow == 0)
    }

    @Test("the wheel: up then down by the same lines follows again; a theme change reflows")
    func wheel() {
        let scrollback = make(FakeHistory(count: 100))
        let bottom = scrollback.visibleRows()
        scrollback.scrollUp(3)
        #expect(!scrollback.isFollowing)
        #expect(shown(scrollback) == Array(87..<97))
        scrollback.scrollDown(3)
        #expect(scrollback.isFollowing)
        #expect(scrollback.visibleRows() == bottom)
        scrollback.formatter.theme = ThemeLoader.defaultTheme
        #expect(scrollback.visibleRows() != bottom)
        #expect(scrollback.visibleRows().map(text) == bottom.map(text))
    }
}
