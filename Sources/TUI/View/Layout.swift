/// Where each part of the screen goes for a terminal size:
///
///     ┌───────────────────────────────────┬──────────────┐
///     │ messages                          │ sidebar      │   (sidebar only when width ≥ sidebarMinScreenWidth)
///     ├───────────────────────────────────┴──────────────┤
///     │ status line                                      │
///     │ input line                                       │
///     └──────────────────────────────────────────────────┘
///
/// Below `minWidth`×`minHeight` nothing fits: `tooSmall` is set and the screen shows a notice instead.
public struct Layout: Hashable, Sendable {
    public static let minWidth = 20
    public static let minHeight = 5
    /// Narrower screens hide the sidebar so messages keep their width.
    public static let sidebarMinScreenWidth = 70
    public static let sidebarWidth = 22
    /// From this width on the sidebar is `wideSidebarWidth` columns.
    public static let wideScreenWidth = 120
    public static let wideSidebarWidth = 26

    public var screen: Rect
    public var messages: Rect
    public var sidebar: Rect?
    public var status: Rect
    public var input: Rect
    public var tooSmall: Bool

    public init(width: Int, height: Int) {
        let width = max(0, width), height = max(0, height)
        screen = Rect(x: 0, y: 0, width: width, height: height)
        let empty = Rect(x: 0, y: 0, width: 0, height: 0)
        guard width >= Layout.minWidth, height >= Layout.minHeight else {
            messages = empty; sidebar = nil; status = empty; input = empty; tooSmall = true
            return
        }
        tooSmall = false
        let paneHeight = height - 2
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        input = Rect(x: 0, y: height - 1, width: width, height: 1)
        if width >= Layout.sidebarMinScreenWidth {
            let side = width >= Layout.wideScreenWidth ? Layout.wideSidebarWidth : Layout.sidebarWidth
            messages = Rect(x: 0, y: 0, width: width - side, height: paneHeight)
            sidebar = Rect(x: width - side, y: 0, width: side, height: paneHeight)
        } else {
            messages = Rect(x: 0, y: 0, width: width, height: paneHeight)
            sidebar = nil
        }
    }
}
