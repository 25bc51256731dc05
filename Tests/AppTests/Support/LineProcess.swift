import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process that speaks JSON lines: commands go in on stdin, one JSON object per line
/// comes out on stdout (`p2p-chat --headless`, `Tests/Interop/py/py_peer.py`).
///
/// Waiting never sleeps: `waitFor` blocks in poll(2) on the stdout pipe for at most the time
/// left. stderr goes to a log file whose tail is put into every failure message.
/// The child is ended on `terminate()` or deinit (stdin closed first, then SIGTERM, then SIGKILL).
final class LineProcess {
    /// Why a wait failed; `description` carries the recent events and the stderr tail.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let name: String
    let arguments: [String]
    private let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrURL: URL
    private var stdinOpen = true
    private var buffer: [UInt8] = []
    private var stdoutEOF = false
    /// Every event seen so far, in order (consumed or not).
    private(set) var events: [[String: Any]] = []
    /// Events not yet returned by `waitFor`.
    private var unread: [[String: Any]] = []
    /// stdout lines that were not JSON objects (the headless contract allows none).
    private(set) var nonJSONLines: [String] = []
    /// A log file the child writes (p2p-chat's `p2p-chat.log`): its tail goes into failure messages too.
    var logFile: URL?

    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    init(_ executable: String, _ arguments: [String], name: String? = nil,
         environment: [String: String] = [:], currentDirectory: String? = nil) throws {
        _ = LineProcess.ignoreSIGPIPE
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        self.arguments = arguments
        stderrURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("lineprocess-\(self.name)-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        terminate()
        try? FileManager.default.removeItem(at: stderrURL)
    }

    var processIdentifier: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    // MARK: - stdin

    /// Writes `line` plus a newline to the child's stdin.
    func send(_ line: String) throws {
        guard stdinOpen else { throw Failure(description: "\(name): send(\(line)) after stdin was closed") }
        let bytes = Array((line + "\n").utf8)
        let fd = stdinPipe.fileHandleForWriting.fileDescriptor
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(name): writing to stdin failed (errno \(errno)); \(diagnostics())")
            }
            offset += n
        }
    }

    /// Closes the child's stdin (EOF: the headless contract says the node then quits gracefully).
    func closeStdin() {
        guard stdinOpen else { return }
        stdinOpen = false
        try? stdinPipe.fileHandleForWriting.close()
    }

    // MARK: - stdout

    /// Waits for the first unread event named `event` that satisfies `predicate`, and consumes it.
    /// With `failOnError`, an unread `{"event":"error"}` ends the wait at once with its message.
    @discardableResult
    func waitFor(event: String, where predicate: ([String: Any]) -> Bool = { _ in true },
                 timeout: Double = 30, failOnError: Bool = true) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let index = unread.firstIndex(where: { ($0["event"] as? String) == event && predicate($0) }) {
                return unread.remove(at: index)
            }
            if failOnError, event != "error",
               let index = unread.firstIndex(where: { ($0["event"] as? String) == "error" }) {
                let error = unread.remove(at: index)
                throw Failure(description: "\(name): error event while waiting for \"\(event)\": "
                    + "\(LineProcess.json(error)); \(diagnostics())")
            }
            if stdoutEOF {
                throw Failure(description: "\(name): stdout closed before \"\(event)\" arrived; \(diagnostics())")
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw Failure(description: "\(name): no \"\(event)\" within \(timeout) s; \(diagnostics())")
            }
            try readAvailable(timeout: remaining)
        }
    }

    /// Waits until the child exits (reading and keeping its remaining stdout), returns the exit status.
    /// Fails if it is still running after `timeout` seconds.
    func waitForExit(timeout: Double = 15) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while !stdoutEOF {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw Failure(description: "\(name): still running \(timeout) s after being asked to stop; \(diagnostics())")
            }
            try readAvailable(timeout: remaining)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// One poll(2) on stdout for at most `timeout` seconds, then one read; parses complete lines.
    private func readAvailable(timeout: Double) throws {
        let fd = stdoutPipe.fileHandleForReading.fileDescriptor
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(0, min(timeout * 1000, Double(Int32.max))).rounded(.up))
        let ready = poll(&pfd, 1, ms)
        if ready < 0 {
            if errno == EINTR { return }
            throw Failure(description: "\(name): poll failed (errno \(errno))")
        }
        if ready == 0 { return }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            throw Failure(description: "\(name): read failed (errno \(errno))")
        }
        if n == 0 {
            stdoutEOF = true
            if !buffer.isEmpty { parseLine(buffer); buffer.removeAll() }
            return
        }
        buffer.append(contentsOf: chunk[0..<n])
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            parseLine(line)
        }
    }

    private func parseLine(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            events.append(object)
            unread.append(object)
        } else {
            nonJSONLines.append(text)
        }
    }

    // MARK: - diagnostics

    /// The last `limit` characters of the child's stderr.
    func stderrTail(_ limit: Int = 3000) -> String {
        guard let data = try? Data(contentsOf: stderrURL) else { return "" }
        return LineProcess.tail(String(decoding: data, as: UTF8.self), limit)
    }

    static func tail(_ text: String, _ limit: Int) -> String {
        text.count > limit ? "…" + String(text.suffix(limit)) : text
    }

    /// Recent events, non-JSON stdout lines and the stderr tail, for failure messages.
    func diagnostics() -> String {
        let recent = events.suffix(6).map(LineProcess.json).joined(separator: "\n  ")
        var text = "\n[\(name) \(arguments.joined(separator: " "))]\n recent events:\n  \(recent)"
        if !nonJSONLines.isEmpty { text += "\n non-JSON stdout: \(nonJSONLines.suffix(5))" }
        if !process.isRunning { text += "\n exit status: \(process.terminationStatus)" }
        text += "\n stderr tail:\n\(stderrTail())"
        if let logFile, let data = try? Data(contentsOf: logFile) {
            text += "\n \(logFile.lastPathComponent) tail:\n\(LineProcess.tail(String(decoding: data, as: UTF8.self), 4000))"
        }
        return text
    }

    static func json(_ object: Any) -> String {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return String(describing: object) }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - ending

    /// Ends the child: closes stdin, waits up to `grace` seconds for it to leave on its own,
    /// then SIGTERM, then SIGKILL. Safe to call more than once.
    func terminate(grace: Double = 3) {
        closeStdin()
        guard process.isRunning else { return }
        if (try? waitForExit(timeout: grace)) != nil { return }
        guard process.isRunning else { return }
        process.terminate()
        if (try? waitForExit(timeout: grace)) != nil { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
