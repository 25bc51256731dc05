/// A peer as the sidebar shows it (the App converts PeerIDs and connection state to this).
public struct SidebarPeer: Hashable, Sendable {
    /// PeerID text: the sort tie-breaker and the nick colour's key.
    public var key: String
    /// `nick·3fa9`.
    public var label: String
    public var connected: Bool
    public var isOwn: Bool

    public init(key: String, label: String, connected: Bool, isOwn: Bool = false) {
        self.key = key; self.label = label; self.connected = connected; self.isOwn = isOwn
    }
}

/// The peers of the current room, right of the messages:
///
///     │ 4 in room
///     │ ● alice·3fa9       (own entry first)
///     │ ● bob·77c1         (● connected, ○ known but not connected)
///     │ ○ carol·01ab
///     │ +12 more           (when they do not fit)
public enum Sidebar {
    public static let connectedMarker = "● "
    public static let disconnectedMarker = "○ "
    static let border = "│ "

    /// Own entry first, then by label ignoring case, then by PeerID.
    public static func sorted(_ peers: [SidebarPeer]) -> [SidebarPeer] {
        peers.map { (peer: $0, label: $0.label.lowercased()) }.sorted { a, b in
            if a.peer.isOwn != b.peer.isOwn { return a.peer.isOwn }
            return a.label != b.label ? a.label < b.label : a.peer.key < b.peer.key
        }.map(\.peer)
    }

    /// `height` rows of at most `width` columns.
    public static func rows(_ peers: [SidebarPeer], width: Int, height: Int, theme: Theme) -> [Row] {
        guard height > 0 else { return [] }
        let inner = max(0, width - DisplayWidth.of(border))
        var out = [row([Span(DisplayWidth.truncate("\(peers.count) in room", to: inner), theme.sidebar)], theme)]
        let sorted = sorted(peers)
        let room = height - 1
        let shown = sorted.count <= room ? sorted.count : max(0, room - 1)
        for peer in sorted.prefix(shown) {
            let marker = peer.connected ? connectedMarker : disconnectedMarker
            let markerStyle = peer.connected ? theme.sidebarConnected : theme.sidebarDisconnected
            let labelStyle = peer.isOwn ? theme.ownNick : peer.connected ? theme.sidebar : theme.sidebarDisconnected
            let label = DisplayWidth.truncate(Sanitizer.sanitize(peer.label), to: max(0, inner - DisplayWidth.of(marker)))
            out.append(row([Span(marker, markerStyle), Span(label, labelStyle)], theme))
        }
        if shown < sorted.count, out.count < height {
            out.append(row([Span(DisplayWidth.truncate("+\(sorted.count - shown) more", to: inner), theme.sidebar)], theme))
        }
        while out.count < height { out.append(row([], theme)) }
        return out.map { Canvas.clip($0, to: width) }
    }

    /// A sidebar row: the border, then `spans`.
    private static func row(_ spans: [Span], _ theme: Theme) -> Row {
        Row([Span(border, theme.sidebar)] + spans, fill: theme.sidebar)
    }
}
