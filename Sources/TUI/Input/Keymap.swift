/// Which key does what: one flat table, also listed by `/help`.
///
/// Home and End (the keys without modifiers) move in the input line while it holds text and scroll the
/// message pane to the top or bottom while it is empty; Ctrl-Home and Ctrl-End always scroll. Ctrl-D deletes
/// forward, or quits on an empty line. Nothing is bound to Ctrl-P or Ctrl-Q: Docker's detach sequence.
public struct Keymap: Hashable, Sendable {
    /// One row of the table.
    public struct Binding: Hashable, Sendable {
        /// How `/help` names the keys.
        public var keys: String
        /// Empty: not listed on its own (the row above names these keys too).
        public var description: String
        public var events: [InputEvent]
        public var action: Action
        /// What the keys do instead while the input line is empty.
        public var onEmptyLine: Action?

        public init(_ keys: String, _ description: String, _ events: [InputEvent], _ action: Action,
                    onEmptyLine: Action? = nil) {
            self.keys = keys
            self.description = description
            self.events = events
            self.action = action
            self.onEmptyLine = onEmptyLine
        }
    }

    /// Lines the mouse wheel scrolls per notch.
    public static let wheelLines = 3

    public let bindings: [Binding]
    private let byEvent: [InputEvent: Binding]

    public init(_ bindings: [Binding]) {
        self.bindings = bindings
        var byEvent: [InputEvent: Binding] = [:]
        for binding in bindings {
            for event in binding.events where byEvent[event] == nil { byEvent[event] = binding }
        }
        self.byEvent = byEvent
    }

    /// The action for `event`, or nil when it is unbound. Typed text always inserts itself.
    public func action(for event: InputEvent, lineIsEmpty: Bool) -> Action? {
        switch event {
        case .text(let text): return .edit(.insert(text))
        case .paste(let text, _): return .edit(.insert(text))
        case .mouse(let mouse):
            switch mouse.kind {
            case .wheelUp: return .scroll(.linesUp(Self.wheelLines))
            case .wheelDown: return .scroll(.linesDown(Self.wheelLines))
            case .press, .release: return nil
            }
        default:
            guard let binding = byEvent[event] else { return nil }
            return lineIsEmpty ? binding.onEmptyLine ?? binding.action : binding.action
        }
    }

    /// `/help`'s list: (keys, description); rows with an empty description are folded into the row above.
    public var help: [(keys: String, description: String)] {
        bindings.filter { !$0.description.isEmpty }.map { ($0.keys, $0.description) }
    }
}
