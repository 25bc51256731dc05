/// The styles of every part of the screen, by role. Themes come from `.theme` files (`ThemeParser`) or the
/// built-ins (`BuiltinThemes`); `resolved(for:)` fits one to the terminal's colour depth.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var timestamp = Style.plain
    public var ownNick = Style(attributes: .bold)
    /// Others' nicks: one is picked by a stable hash of the author's PeerID.
    public var nickPalette: [Style] = [.plain]
    public var text = Style.plain
    public var system = Style(attributes: .dim)
    public var mention = Style(attributes: [.bold, .reverse])
    public var unreadMarker = Style(attributes: .bold)
    public var sidebar = Style.plain
    public var sidebarConnected = Style(attributes: .bold)
    public var sidebarDisconnected = Style(attributes: .dim)
    public var statusLine = Style(attributes: .reverse)
    public var statusHighlight = Style(attributes: [.reverse, .bold])
    public var input = Style.plain
    public var prompt = Style(attributes: .bold)
    public var error = Style(attributes: .bold)

    public init(name: String) { self.name = name }

    /// A theme with no colours at all, usable on any terminal.
    public static let plain = Theme(name: "plain")

    /// The role names a theme file uses, with the property each sets.
    static let roles: [(name: String, path: WritableKeyPath<Theme, Style>)] = [
        ("error", \.error), ("input", \.input), ("mention", \.mention), ("own-nick", \.ownNick), ("prompt", \.prompt),
        ("sidebar", \.sidebar), ("sidebar-connected", \.sidebarConnected),
        ("sidebar-disconnected", \.sidebarDisconnected), ("status-highlight", \.statusHighlight),
        ("status-line", \.statusLine), ("system", \.system), ("text", \.text), ("timestamp", \.timestamp),
        ("unread-marker", \.unreadMarker),
    ]
    /// The list role: comma-separated styles.
    static let paletteRole = "nick-palette"

    /// The theme as the terminal at `depth` can show it. In mono, colours go and the roles that must stand out
    /// get attributes instead (a mention is reverse + bold, the status line reverse), so nothing is lost.
    public func resolved(for depth: ColorDepth) -> Theme {
        var out = self
        for role in Theme.roles { out[keyPath: role.path] = self[keyPath: role.path].resolved(for: depth) }
        out.nickPalette = nickPalette.map { $0.resolved(for: depth) }
        guard depth == .mono else { return out }
        out.mention.attributes.formUnion([.reverse, .bold])
        out.statusLine.attributes.insert(.reverse)
        out.statusHighlight.attributes.formUnion([.reverse, .bold])
        out.ownNick.attributes.insert(.bold)
        out.unreadMarker.attributes.insert(.bold)
        out.error.attributes.insert(.bold)
        out.sidebarConnected.attributes.insert(.bold)
        return out
    }
}
