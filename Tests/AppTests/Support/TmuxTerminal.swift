import Foundation
import Testing

/// A real terminal for end-to-end tests of the full-screen client: a tmux server on a private socket
/// (`tmux -L <unique> -f /dev/null`), one window of a fixed size running a command.
///
/// Keys go in with `send-keys`; the screen comes out with `capture-pane`. A terminal gives no event for
/// "the screen now shows X", so `waitFor` polls the capture until a deadline. The pane stays after the
/// command exits (`remain-on-exit`), so a test can read the exit status and the terminal's modes then.
/// The server is killed on `close()` or deinit.
final class TmuxTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var isAvailable: Bool { tmuxPath != nil }
    static let skipReason: Comment = "tmux is not installed (`make deps` installs it): the terminal end-to-end tests need it"

    let socket = "p2p-chat-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    private let tmux: String
    private var isClosed = false

    /// Starts `command` (argv, run by tmux through `sh -c`) in a `width`×`height` window.
    /// When the command ends, the shell prints `EXIT=<status>` and the terminal's `stty` flags, and waits.
    init(_ command: [String], width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
        guard let tmux = Self.tmuxPath else { throw Failure(description: "no tmux") }
        self.tmux = tmux
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let script = "env \(exports.joined(separator: " ")) \(command.map(Self.quote).joined(separator: " "));"
            + " echo \"EXIT=$?\"; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo|isig)$' | tr '\\n' ' ';"
            + " echo STTY; exec sleep 100000"
        try run(startingServer: true, ["-f", "/dev/null", "new-session", "-d", "-x", String(width), "-y", String(height),
                 "-s", "test", "sh", "-c", script])
        try run(["set-option", "-g", "window-size", "manual"])
        try run(["resize-window", "-t", "test", "-x", String(width), "-y", String(height)])
    }

    deinit { close() }

    /// Kills the tmux server (and with it the command, if still running).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = try? run(["kill-server"])
        // A server that was killed leaves its socket file behind.
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        unlink("\(directory)/tmux-\(getuid())/\(socket)")
    }

    /// Types `text` literally (no key-name lookup).
    func type(_ text: String) throws { try run(["send-keys", "-t", "test", "-l", text]) }

    /// Sends tmux key names: `Enter`, `PPage`, `M-2`, `C-c`, …
    func press(_ keys: String...) throws { try run(["send-keys", "-t", "test"] + keys) }

    /// The visible screen as text (with `escapes`: with SGR colour sequences).
    func capture(escapes: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", "test"] + (escapes ? ["-e"] : []))
    }

    /// A tmux format of the pane, e.g. `#{alternate_on}` or `#{pane_dead_status}`.
    func format(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", "test", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Resizes the window; the program gets SIGWINCH.
    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "test", "-x", String(width), "-y", String(height)])
    }

    /// Polls the screen until `predicate` holds; returns that screen, or fails with the last one.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 20, escapes: Bool = false,
                 _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while true {
            screen = try capture(escapes: escapes)
            if predicate(screen) { return screen }
            if Date() >= deadline {
                throw Failure(description: "no \(what) on the screen within \(timeout) s; screen:\n\(screen)")
            }
            usleep(50_000)   // a terminal screen has no change event to wait on
        }
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(text: String, timeout: Double = 20) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// Waits for the command to end; returns its exit status and the screen then (the shell's `EXIT=` line
    /// and `stty` flags are on it).
    func waitForExit(timeout: Double = 20) throws -> (status: Int32, screen: String) {
        let screen = try waitFor("the program's exit", timeout: timeout) { $0.contains("STTY") }
        guard let line = screen.split(separator: "\n").first(where: { $0.hasPrefix("EXIT=") }),
              let status = Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) else {
            throw Failure(description: "no EXIT= line; screen:\n\(screen)")
        }
        return (status, screen)
    }

    /// Runs one tmux command and returns its stdout. The command that starts the server gets no pipes: the
    /// server it forks would inherit them and keep them open, so reading to EOF would never end.
    @discardableResult
    private func run(startingServer: Bool = false, _ arguments: [String]) throws -> String {
        let process = Process()
        let out = Pipe(), err = Pipe()
        if startingServer {
            // The server outlives this command and would inherit every open descriptor, Foundation's own
            // child-watching one included (then `waitUntilExit` never returns): bash closes them all first.
            let command = ([tmux, "-L", socket] + arguments).map(Self.quote).joined(separator: " ")
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; exec \(command)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        } else {
            process.executableURL = URL(fileURLWithPath: tmux)
            process.arguments = ["-L", socket] + arguments
            process.standardOutput = out
            process.standardError = err
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if startingServer {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure(description: "tmux \(arguments.joined(separator: " ")): status \(process.terminationStatus)")
            }
            return ""
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")): status \(process.terminationStatus): "
                          + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Single-quoted for `sh`.
    static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
