import Testing
@testable import TUI

@Suite("CommandTable: one sorted table, unique prefixes")
struct CommandTableTests {
    @Test("the standard table is sorted and has every command of the issue")
    func standard() {
        let names = CommandTable.standard.commands.map(\.name)
        #expect(names == names.sorted())
        #expect(names == ["clear", "help", "history", "join", "leave", "me", "nick", "peers", "ping", "quit",
                          "rooms", "search", "theme"])
        #expect(CommandTable.standard.commands.allSatisfy { !$0.summary.isEmpty && !$0.help.isEmpty })
        let usages = CommandTable.standard.commands.map(\.usage)
        #expect(usages.contains("/history [N]") && usages.contains("/search TEXT") && usages.contains("/leave [ROOM]"))
    }

    @Test("resolve: exact, unique prefix, ambiguous, unknown", arguments: [
        ("ping", CommandTable.Resolution.found(CommandTable.standard.commands.first { $0.name == "ping" }!)),
        ("pi", .found(CommandTable.standard.commands.first { $0.name == "ping" }!)),
        ("Q", .found(CommandTable.standard.commands.first { $0.name == "quit" }!)),
        ("p", .ambiguous(["peers", "ping"])),
        ("h", .ambiguous(["help", "history"])),
        ("xyz", .unknown),
        ("pingg", .unknown),
    ])
    func resolve(name: String, expected: CommandTable.Resolution) {
        #expect(CommandTable.standard.resolve(name) == expected)
    }

    @Test("an exact name wins over being a prefix of another")
    func exactWins() {
        let table = CommandTable([Command("me", summary: "s", help: "h"), Command("members", summary: "s", help: "h")])
        #expect(table.resolve("me") == .found(table.commands[0]))
        #expect(table.resolve("mem") == .found(table.commands[1]))
    }

    @Test("registering a command of the same name replaces it")
    func replace() {
        var table = CommandTable.standard
        table.register(Command("quit", summary: "bye", help: "h"))
        #expect(table.commands.count == CommandTable.standard.commands.count)
        #expect(table.commands.first { $0.name == "quit" }?.summary == "bye")
    }

    @Test("hidden commands resolve only by full name and are not listed")
    func hidden() {
        var table = CommandTable.standard
        table.register(Command("perf", .required("PEER"), summary: "s", help: "h", hidden: true))
        #expect(table.commands.map(\.name) == table.commands.map(\.name).sorted())
        #expect(table.resolve("perf").isFound)
        #expect(table.resolve("pe") == .found(table.commands.first { $0.name == "peers" }!))
        #expect(!table.visible.contains { $0.name == "perf" })
    }

    @Test("parse: text, commands and their argument", arguments: [
        ("hello", "text hello"), ("//not a command", "text /not a command"), (" /x", "text  /x"),
        ("/join  dev ", "join dev"), ("/j dev", "join dev"), ("/me waves   twice", "me waves   twice"),
        ("/quit", "quit "), ("/LEAVE", "leave "), ("/leave room", "leave room"), ("/history 20", "history 20"),
        ("/history", "history "), ("/search a b", "search a b"), ("/help ping", "help ping"),
    ])
    func parse(line: String, expected: String) throws {
        switch try CommandTable.standard.parse(line) {
        case .text(let text): #expect("text " + text == expected)
        case .command(let command, let argument): #expect(command.name + " " + argument == expected)
        }
    }

    @Test("parse errors are typed, with a one-line explanation", arguments: [
        ("/", CommandError.empty, "a command name must follow /"),
        ("/xyz", .unknown("xyz"), "unknown command /xyz"),
        ("/p x", .ambiguous("p", candidates: ["peers", "ping"]), "/p is ambiguous: /peers, /ping"),
        ("/join", .missingArgument(CommandTable.standard.commands.first { $0.name == "join" }!), "usage: /join ROOM"),
        ("/peers x", .unexpectedArgument(CommandTable.standard.commands.first { $0.name == "peers" }!),
         "/peers takes no argument"),
        ("/history 0", .notACount(CommandTable.standard.commands.first { $0.name == "history" }!, "0"),
         "0 is not a whole number"),
        ("/history ten", .notACount(CommandTable.standard.commands.first { $0.name == "history" }!, "ten"),
         "ten is not a whole number"),
    ])
    func parseErrors(line: String, expected: CommandError, text: String) {
        #expect(throws: expected) { try CommandTable.standard.parse(line) }
        #expect(expected.description.hasPrefix(text))
        #expect(!expected.description.contains("\n"))
    }
}

extension CommandTable.Resolution {
    var isFound: Bool { if case .found = self { return true } else { return false } }
}
