import Testing
@testable import TUI

@Suite("Sidebar and status line")
struct SidebarStatusTests {
    let theme = ThemeLoader.defaultTheme

    @Test("own entry first, then sorted; connected marked; long labels cut")
    func sidebar() {
        let peers = [
            SidebarPeer(key: "k3", label: "carol·01ab", connected: false),
            SidebarPeer(key: "k2", label: "Bob·77c1", connected: true),
            SidebarPeer(key: "k1", label: "zed·3fa9", connected: true, isOwn: true),
            SidebarPeer(key: "k4", label: "averyveryverylongnickname·9999", connected: true),
        ]
        let rows = Sidebar.rows(peers, width: 22, height: 7, theme: theme)
        #expect(rows.map(text) == ["│ 4 in room", "│ ● zed·3fa9", "│ ● averyveryverylong…", "│ ● Bob·77c1",
                                   "│ ○ carol·01ab", "│ ", "│ "])
        #expect(rows.allSatisfy { $0.width <= 22 })
        #expect(rows[4].spans[1].style == theme.sidebarDisconnected)
        #expect(rows[1].spans[2].style == theme.ownNick)
    }

    @Test("too many peers end in +N more")
    func more() {
        let peers = (0..<30).map { SidebarPeer(key: "k\($0)", label: "p\($0 + 10)", connected: true) }
        let rows = Sidebar.rows(peers, width: 22, height: 5, theme: theme)
        #expect(rows.map(text) == ["│ 30 in room", "│ ● p10", "│ ● p11", "│ ● p12", "│ +27 more"])
        #expect(Sidebar.rows(peers, width: 22, height: 0, theme: theme).isEmpty)
        #expect(Sidebar.rows(peers, width: 1, height: 3, theme: theme).allSatisfy { $0.width <= 1 })
    }

    @Test("status line: room, own label, members vs connections, other rooms' counts, discovery")
    func status() {
        var windows = Windows(rooms: ["general", "dev", "ops"])
        windows.noteEntry(in: "dev", mention: true)
        windows.noteEntry(in: "dev", mention: false)
        windows.noteEntry(in: "ops", mention: false)
        let info = StatusInfo(ownLabel: "alice·3fa9", roomMembers: 3, connections: 5, discovery: "mDNS · DHT 12 peers")
        let row = StatusLine.row(windows: windows, info: info, newBelow: nil, width: 200, theme: theme)
        #expect(text(row) == "[1:general] alice·3fa9 · 3 in room · 5 conn · [2:dev 2 @1] [3:ops 1] · mDNS · DHT 12 peers")
        #expect(row.spans.first { $0.text.contains("@1") }?.style == theme.statusHighlight)
        #expect(row.fill == theme.statusLine)
        let scrolled = StatusLine.row(windows: windows, info: info, newBelow: 4, width: 200, theme: theme)
        #expect(text(scrolled).contains("-MORE(4)-"))
        #expect(StatusLine.row(windows: windows, info: info, newBelow: nil, width: 30, theme: theme).width <= 30)
    }

    @Test("our lines waiting for the send pacer: `N queued`, highlighted, only while there are some")
    func queued() {
        let windows = Windows(rooms: ["general"])
        let waiting = StatusInfo(ownLabel: "alice·3fa9", roomMembers: 1, connections: 1, queuedLines: 12)
        let row = StatusLine.row(windows: windows, info: waiting, newBelow: nil, width: 200, theme: theme)
        #expect(text(row) == "[1:general] alice·3fa9 · 1 in room · 1 conn · 12 queued")
        #expect(row.spans.first { $0.text.contains("queued") }?.style == theme.statusHighlight)
        let none = StatusInfo(ownLabel: "alice·3fa9", roomMembers: 1, connections: 1)
        #expect(!text(StatusLine.row(windows: windows, info: none, newBelow: nil, width: 200, theme: theme)).contains("queued"))
    }

    @Test("a hint while no peer is connected")
    func hint() {
        let info = StatusInfo(ownLabel: "alice·3fa9", roomMembers: 0, connections: 0)
        let row = StatusLine.row(windows: Windows(rooms: ["general"]), info: info, newBelow: nil, width: 200, theme: theme)
        #expect(text(row).contains(StatusLine.noPeersHint))
    }
}
