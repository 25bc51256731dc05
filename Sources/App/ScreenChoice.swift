#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TUI

/// Full screen or headless: the full-screen client needs a terminal on both stdin and stdout that curses can
/// drive. Without one (a pipe, `docker run` without `-t`, `TERM=dumb`) p2p-chat runs headless, with a
/// one-line notice on stderr (stdout stays pure JSON; `--headless` asks for it and gets no notice).
enum ScreenChoice {
    static let noticePrefix = "p2p-chat: no usable terminal"

    /// The terminal, or nil (after the notice, when one is due) to run headless.
    static func openTerminal() -> Terminal? {
        let stdinTTY = isatty(0) != 0, stdoutTTY = isatty(1) != 0
        guard stdinTTY && stdoutTTY else {
            let missing = !stdinTTY && !stdoutTTY ? "stdin and stdout are" : stdinTTY ? "stdout is" : "stdin is"
            notice("(\(missing) not a terminal; docker run needs -it)")
            return nil
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            notice("(TERM=\(term.isEmpty ? "<unset>" : term) cannot draw a screen)")
            return nil
        }
        do { return try Terminal.open() } catch {
            notice("(\(error))")
            return nil
        }
    }

    /// `$XDG_CONFIG_HOME/p2p-chat/themes` (or `~/.config/p2p-chat/themes`).
    static var userThemeDirectory: String? {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.config" }
        return base.map { $0 + "/p2p-chat/themes" }
    }

    private static func notice(_ reason: String) {
        printToStandardError("\(noticePrefix) \(reason); running headless.")
    }
}
