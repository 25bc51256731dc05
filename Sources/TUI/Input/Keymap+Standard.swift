extension Keymap {
    /// The client's bindings (readline's editing keys; rooms on Alt, away from Docker's Ctrl-P Ctrl-Q).
    /// A row with an empty description is the second half of the row above it in `/help`.
    public static let standard = Keymap([
        Binding("Enter", "send the line", [.enter, .key(.enter, .alt)], .submit),
        Binding("Tab / Shift-Tab", "complete a nick or /command; again for the next / previous", [.tab], .complete),
        Binding("Shift-Tab", "", [.backTab], .completeBackward),
        Binding("Up / Down", "previous / next line sent", [.key(.up)], .historyPrevious),
        Binding("Down", "", [.key(.down)], .historyNext),
        Binding("Left / Right, Ctrl-B / Ctrl-F", "move one character", [.key(.left), .ctrl("b")], .edit(.left)),
        Binding("Right", "", [.key(.right), .ctrl("f")], .edit(.right)),
        Binding("Alt-B / Alt-F, Ctrl-Left / Ctrl-Right", "move one word",
                [.alt("b"), .key(.left, .ctrl)], .edit(.wordLeft)),
        Binding("Alt-F", "", [.alt("f"), .key(.right, .ctrl)], .edit(.wordRight)),
        Binding("Home / End", "start / end of the line; on an empty line: oldest / newest messages",
                [.key(.home)], .edit(.home), onEmptyLine: .scroll(.top)),
        Binding("End", "", [.key(.end)], .edit(.end), onEmptyLine: .scroll(.bottom)),
        Binding("Ctrl-A / Ctrl-E", "start / end of the line", [.ctrl("a")], .edit(.home)),
        Binding("Ctrl-E", "", [.ctrl("e")], .edit(.end)),
        Binding("Backspace", "delete the character before the cursor", [.backspace], .edit(.deleteBackward)),
        Binding("Delete", "delete the character under the cursor", [.key(.delete)], .edit(.deleteForward)),
        Binding("Ctrl-D", "delete the character under the cursor; on an empty line: quit",
                [.ctrl("d")], .edit(.deleteForward), onEmptyLine: .quit),
        Binding("Ctrl-K", "cut to the end of the line", [.ctrl("k")], .edit(.killToEnd)),
        Binding("Ctrl-U", "cut to the start of the line", [.ctrl("u")], .edit(.killToStart)),
        Binding("Ctrl-W, Alt-Backspace", "cut the word before the cursor",
                [.ctrl("w"), .key(.backspace, .alt)], .edit(.killWordBackward)),
        Binding("Alt-D", "cut the word after the cursor", [.alt("d")], .edit(.killWordForward)),
        Binding("Ctrl-Y", "paste the last cut", [.ctrl("y")], .edit(.yank)),
        Binding("PgUp / PgDn", "scroll the messages a page", [.key(.pageUp), .key(.pageUp, .shift)], .scroll(.pageUp)),
        Binding("PgDn", "", [.key(.pageDown), .key(.pageDown, .shift)], .scroll(.pageDown)),
        Binding("Ctrl-Home / Ctrl-End", "oldest / newest messages", [.key(.home, .ctrl)], .scroll(.top)),
        Binding("Ctrl-End", "", [.key(.end, .ctrl)], .scroll(.bottom)),
        Binding("Mouse wheel", "scroll the messages \(wheelLines) lines", [], .scroll(.linesUp(wheelLines))),
        Binding("Alt-Right / Alt-Left, Alt-N / Alt-P", "next / previous room",
                [.key(.right, .alt), .alt("n")], .switchRoom(.next)),
        Binding("Alt-Left", "", [.key(.left, .alt), .alt("p")], .switchRoom(.previous)),
        Binding("Alt-1…9", "room window 1…9", [.alt("1")], .switchRoom(.number(1))),
    ] + (2...9).map { n in
        Binding("Alt-\(n)", "", [.alt(Character(String(n)))], .switchRoom(.number(n)))
    } + [
        Binding("Escape", "cancel a completion or a paste question", [.escape], .cancel),
        Binding("Ctrl-L", "redraw the screen", [.ctrl("l")], .redraw),
        Binding("Ctrl-C", "quit", [.ctrl("c")], .quit),
    ])
}
