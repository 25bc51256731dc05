/// One client command: `/name ARG`, with what `/help` shows about it.
public struct Command: Hashable, Sendable {
    /// What follows the command name.
    public enum Argument: Hashable, Sendable {
        case none
        case required(String)
        case optional(String)
        /// An optional whole number ≥ 1 (`/history [N]`).
        case optionalCount(String)
    }

    public var name: String
    public var argument: Argument
    public var summary: String
    public var help: String
    /// Hidden commands run only by their full name and are not listed or completed.
    public var hidden: Bool

    public init(_ name: String, _ argument: Argument = .none, summary: String, help: String, hidden: Bool = false) {
        self.name = name
        self.argument = argument
        self.summary = summary
        self.help = help
        self.hidden = hidden
    }

    /// `/history [N]`.
    public var usage: String {
        switch argument {
        case .none: return "/" + name
        case .required(let word): return "/\(name) \(word)"
        case .optional(let word), .optionalCount(let word): return "/\(name) [\(word)]"
        }
    }
}

/// A typed line: text for the room, or a command with its argument (trimmed; empty when none).
public enum ParsedLine: Hashable, Sendable {
    case text(String)
    case command(Command, argument: String)
}

/// Why a line is not a valid command; `description` is the one line shown in the pane.
public enum CommandError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case unknown(String)
    case ambiguous(String, candidates: [String])
    case missingArgument(Command)
    case unexpectedArgument(Command)
    case notACount(Command, String)

    public var description: String {
        switch self {
        case .empty: return "a command name must follow / (/help lists them; // sends a line starting with /)"
        case .unknown(let name): return "unknown command /\(name) (/help lists them)"
        case .ambiguous(let name, let candidates):
            return "/\(name) is ambiguous: " + candidates.map { "/" + $0 }.joined(separator: ", ")
        case .missingArgument(let command): return "usage: \(command.usage) — \(command.summary)"
        case .unexpectedArgument(let command): return "/\(command.name) takes no argument (usage: \(command.usage))"
        case .notACount(let command, let word):
            return "\(word) is not a whole number ≥ 1 (usage: \(command.usage))"
        }
    }
}

/// The client's commands, sorted by name: resolution by exact name or unique prefix, line parsing, and
/// what `/help` and Tab completion list.
public struct CommandTable: Hashable, Sendable {
    /// What a typed command name stands for.
    public enum Resolution: Hashable, Sendable {
        case found(Command)
        case ambiguous([String])
        case unknown
    }

    /// Sorted by name.
    public private(set) var commands: [Command]

    public init(_ commands: [Command]) {
        self.commands = []
        for command in commands { register(command) }
    }

    /// Adds a command (the App's hidden diagnostics, say), replacing one of the same name.
    public mutating func register(_ command: Command) {
        commands.removeAll { $0.name == command.name }
        let index = commands.firstIndex { $0.name > command.name } ?? commands.count
        commands.insert(command, at: index)
    }

    /// Commands `/help` lists and Tab completes.
    public var visible: [Command] { commands.filter { !$0.hidden } }

    /// An exact name (hidden ones too), else a unique prefix of a visible name. Case-insensitive.
    public func resolve(_ name: String) -> Resolution {
        let name = name.lowercased()
        if let exact = commands.first(where: { $0.name == name }) { return .found(exact) }
        let matches = visible.filter { $0.name.hasPrefix(name) }
        switch matches.count {
        case 0: return .unknown
        case 1: return .found(matches[0])
        default: return .ambiguous(matches.map(\.name))
        }
    }

    /// Reads a submitted line. Lines not starting with `/` are text; `//x` is the text `/x`.
    public func parse(_ line: String) throws -> ParsedLine {
        guard line.hasPrefix("/") else { return .text(line) }
        let body = line.dropFirst()
        if body.hasPrefix("/") { return .text(String(body)) }
        let name = body.prefix { !$0.isWhitespace }
        let argument = String(body.dropFirst(name.count)).trimmingWhitespace()
        guard !name.isEmpty else { throw CommandError.empty }
        let command: Command
        switch resolve(String(name)) {
        case .found(let found): command = found
        case .ambiguous(let names): throw CommandError.ambiguous(String(name), candidates: names)
        case .unknown: throw CommandError.unknown(String(name))
        }
        switch command.argument {
        case .none where !argument.isEmpty: throw CommandError.unexpectedArgument(command)
        case .required where argument.isEmpty: throw CommandError.missingArgument(command)
        case .optionalCount where !argument.isEmpty:
            guard let n = Int(argument), n >= 1 else { throw CommandError.notACount(command, argument) }
        default: break
        }
        return .command(command, argument: argument)
    }
}

extension String {
    /// Without leading and trailing whitespace (Foundation-free).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
