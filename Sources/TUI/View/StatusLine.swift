/// What the status line says that only the App knows.
public struct StatusInfo: Hashable, Sendable {
    /// Our nick and short PeerID, `alice·3fa9`.
    public var ownLabel: String
    /// Peers subscribed to the current room.
    public var roomMembers: Int
    /// Open connections (any peer: bootstrap and DHT peers too).
    public var connections: Int
    /// How peers are found, e.g. `mDNS · DHT 12 peers` (empty to leave out).
    public var discovery: String
    /// Our lines waiting for the send pacer (peers take 10 a second from one sender); 0 to leave out.
    public var queuedLines: Int

    public init(ownLabel: String, roomMembers: Int = 0, connections: Int = 0, discovery: String = "",
                queuedLines: Int = 0) {
        self.ownLabel = ownLabel; self.roomMembers = roomMembers; self.connections = connections; self.discovery = discovery
        self.queuedLines = queuedLines
    }
}

/// The line above the input:
///
///     [1:general] alice·3fa9 · 3 in room · 5 conn · 12 queued · [2:dev 4 @1] [3:ops 1] · -MORE(2)- · mDNS · DHT 12 peers
///
/// `N queued` (highlighted) while our own lines wait for the send pacer (a paste sent at peers' rate). Other
/// rooms with unread entries in activity order (`@N` counts mentions, highlighted); `-MORE(N)-` while
/// scrolled up with N new entries below; a hint instead of the counts' tail while no peer is connected.
public enum StatusLine {
    public static let noPeersHint = "no peers yet: waiting for mDNS/DHT, or start with --connect ADDR"
    static let separator = " · "

    public static func row(windows: Windows, info: StatusInfo, newBelow: Int?, width: Int, theme: Theme) -> Row {
        let plain = theme.statusLine, bright = theme.statusHighlight
        var spans: [Span] = []
        if let room = windows.currentRoom {
            spans.append(Span("[\(windows.current + 1):\(Sanitizer.sanitize(room))]", bright))
        }
        spans.append(Span(" " + Sanitizer.sanitize(info.ownLabel), plain))
        spans.append(Span(separator + "\(info.roomMembers) in room" + separator + "\(info.connections) conn", plain))
        if info.queuedLines > 0 { spans.append(Span(separator + "\(info.queuedLines) queued", bright)) }
        let active = windows.activity
        if !active.isEmpty { spans.append(Span(separator, plain)) }
        for (n, i) in active.enumerated() {
            let window = windows.windows[i]
            let mentions = window.mentions > 0 ? " @\(window.mentions)" : ""
            let text = (n > 0 ? " " : "") + "[\(i + 1):\(Sanitizer.sanitize(window.room)) \(window.unread)\(mentions)]"
            spans.append(Span(text, window.mentions > 0 ? bright : plain))
        }
        if let newBelow {
            spans.append(Span(separator, plain))
            spans.append(Span(newBelow > 0 ? "-MORE(\(newBelow))-" : "-MORE-", bright))
        }
        if info.connections == 0 { spans.append(Span(separator + noPeersHint, bright)) }
        if !info.discovery.isEmpty { spans.append(Span(separator + Sanitizer.sanitize(info.discovery), plain)) }
        return Canvas.clip(Row(spans, fill: plain), to: max(0, width))
    }
}
