import Testing
@testable import TUI

@Suite("Keymap: one table of bindings")
struct KeymapTests {
    static let keymap = Keymap.standard

    @Test("editing, history, completion and app keys", arguments: [
        (InputEvent.enter, Action.submit), (.tab, .complete), (.backTab, .completeBackward),
        (.key(.up), .historyPrevious), (.key(.down), .historyNext),
        (.key(.left), .edit(.left)), (.key(.right), .edit(.right)), (.ctrl("b"), .edit(.left)), (.ctrl("f"), .edit(.right)),
        (.ctrl("a"), .edit(.home)), (.ctrl("e"), .edit(.end)), (.alt("b"), .edit(.wordLeft)), (.alt("f"), .edit(.wordRight)),
        (.key(.left, .ctrl), .edit(.wordLeft)), (.key(.right, .ctrl), .edit(.wordRight)),
        (.backspace, .edit(.deleteBackward)), (.key(.delete), .edit(.deleteForward)), (.ctrl("d"), .edit(.deleteForward)),
        (.ctrl("k"), .edit(.killToEnd)), (.ctrl("u"), .edit(.killToStart)), (.ctrl("w"), .edit(.killWordBackward)),
        (.key(.backspace, .alt), .edit(.killWordBackward)), (.alt("d"), .edit(.killWordForward)), (.ctrl("y"), .edit(.yank)),
        (.key(.home), .edit(.home)), (.key(.end), .edit(.end)),
        (.key(.pageUp), .scroll(.pageUp)), (.key(.pageDown), .scroll(.pageDown)),
        (.key(.pageUp, .shift), .scroll(.pageUp)), (.key(.home, .ctrl), .scroll(.top)), (.key(.end, .ctrl), .scroll(.bottom)),
        (.key(.right, .alt), .switchRoom(.next)), (.key(.left, .alt), .switchRoom(.previous)),
        (.alt("n"), .switchRoom(.next)), (.alt("p"), .switchRoom(.previous)),
        (.alt("1"), .switchRoom(.number(1))), (.alt("9"), .switchRoom(.number(9))),
        (.ctrl("l"), .redraw), (.ctrl("c"), .quit), (.escape, .cancel),
        (.text("hé"), .edit(.insert("hé"))),
        (.mouse(MouseEvent(.wheelUp, column: 1, row: 1)), .scroll(.linesUp(Keymap.wheelLines))),
        (.mouse(MouseEvent(.wheelDown, column: 1, row: 1)), .scroll(.linesDown(Keymap.wheelLines))),
    ])
    func bound(event: InputEvent, action: Action) {
        #expect(Self.keymap.action(for: event, lineIsEmpty: false) == action)
    }

    @Test("on an empty line Home/End scroll the messages and Ctrl-D quits", arguments: [
        (InputEvent.key(.home), Action.scroll(.top)), (.key(.end), .scroll(.bottom)), (.ctrl("d"), .quit),
        (.ctrl("a"), .edit(.home)), (.key(.up), .historyPrevious),
    ])
    func emptyLine(event: InputEvent, action: Action) {
        #expect(Self.keymap.action(for: event, lineIsEmpty: true) == action)
    }

    @Test("unbound keys do nothing", arguments: [
        InputEvent.ctrl("p"), .ctrl("q"), .ctrl("z"), .key(.function(5)), .key(.insert), .alt("0"),
        .mouse(MouseEvent(.press(button: 1), column: 0, row: 0)),
    ])
    func unbound(event: InputEvent) {
        #expect(Self.keymap.action(for: event, lineIsEmpty: false) == nil)
    }

    @Test("no binding uses Ctrl-P or Ctrl-Q (Docker's detach keys)")
    func dockerDetach() {
        let events = Self.keymap.bindings.flatMap(\.events)
        #expect(!events.contains(.ctrl("p")) && !events.contains(.ctrl("q")))
        #expect(!Self.keymap.help.contains { $0.keys.contains("Ctrl-P") || $0.keys.contains("Ctrl-Q") })
    }

    @Test("no key is bound twice")
    func unique() {
        let events = Self.keymap.bindings.flatMap(\.events)
        #expect(Set(events).count == events.count)
    }

    @Test("/help lists the bindings, one row per group")
    func help() {
        let help = Self.keymap.help
        #expect(help.allSatisfy { !$0.keys.isEmpty && !$0.description.isEmpty })
        #expect(help.contains { $0.keys == "Alt-1…9" })
        #expect(help.contains { $0.keys.hasPrefix("Home / End") && $0.description.contains("empty line") })
        #expect(help.count < Self.keymap.bindings.count)
    }
}
