internal import CNcurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal, through ncursesw: the only file that imports curses.
///
/// curses here only draws. It never reads the keyboard: the App watches stdin on its reactor and feeds the
/// bytes to `KeyDecoder`, so `getch` is never called, keypad decoding is off and the typeahead check (which
/// would poll stdin and cut a refresh short while keys arrive) is disabled.
///
/// ```
///  Canvas (rows of styled spans, cursor) ──paint──► rows that differ from the last frame
///      ──► wattr_set + waddnwstr per span ──► wnoutrefresh ──► one doupdate
/// ```
///
/// The terminal is put back on every way out: `close()` (normal quit and the reactor's SIGINT/SIGTERM path),
/// `exit()` anywhere (an `atexit` hook) and a crash (handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and
/// SIGTRAP that restore the saved termios and write the mode resets, then hand the signal on).
public final class Terminal {
    public enum TerminalError: Error, CustomStringConvertible {
        /// Only one terminal per process (curses has one screen).
        case alreadyOpen
        /// `newterm` refused: unknown `TERM`, or a terminal without cursor addressing.
        case cannotInitialize(term: String)

        public var description: String {
            switch self {
            case .alreadyOpen: return "the terminal is already open"
            case .cannotInitialize(let term): return "cannot drive terminal type \"\(term)\""
            }
        }
    }

    /// Bracketed paste on (`ESC[?2004h`), then mouse clicks and wheel reported in SGR form (`?1000h`, `?1006h`).
    static let enableModes = "\u{1B}[?2004h\u{1B}[?1000h\u{1B}[?1006h"
    /// Paste and mouse off (before `endwin`, which does the rest).
    static let disableModes = "\u{1B}[?2004l\u{1B}[?1006l\u{1B}[?1000l"
    /// Paste and mouse off, alternate screen left, cursor shown: what a crash handler writes.
    static let resetModes = disableModes + "\u{1B}[?1049l\u{1B}[?25h"

    /// What terminfo says the terminal can draw (before `--color` and `NO_COLOR` limit it).
    public let capabilities: TerminalColors
    /// The colours in use (see `useColors`).
    public private(set) var colors: TerminalColors = .none
    public private(set) var width: Int
    public private(set) var height: Int

    private let screen: OpaquePointer
    private var isOpen = true
    private var pairs: ColorPairCache
    /// Rows as last painted; nil forces a full repaint.
    private var painted: [Row]?
    private var cursorVisible: Bool?
    private var pairsRestarted = false
    private var wide: [wchar_t] = []

    private static var current: Terminal?

    /// Takes over the terminal on stdin/stdout: locale, curses screen, raw mode, paste and mouse reporting,
    /// and the exit and crash hooks. Fails (with the terminal untouched) when curses cannot drive it.
    public static func open() throws -> Terminal {
        guard current == nil else { throw TerminalError.alreadyOpen }
        Self.selectUTF8Locale()
        CrashGuard.saveTerminalState(fd: 1)
        guard let screen = newterm(nil, stdout, stdin) else {
            throw TerminalError.cannotInitialize(term: getenv("TERM").map { String(cString: $0) } ?? "")
        }
        let terminal = Terminal(screen: screen)
        current = terminal
        CrashGuard.install()
        return terminal
    }

    private init(screen: OpaquePointer) {
        self.screen = screen
        raw()
        noecho()
        nonl()
        keypad(stdscr, false)
        nodelay(stdscr, true)
        meta(stdscr, true)
        intrflush(stdscr, false)
        typeahead(-1)
        leaveok(stdscr, false)
        let colorCount = Int(tigetnum("colors"))
        let rgb = tigetflag("RGB")
        capabilities = TerminalColors(count: has_colors() ? max(0, colorCount) : 0,
                                      isDirect: rgb > 0 || colorCount >= 1 << 24)
        width = Int(COLS)
        height = Int(LINES)
        pairs = ColorPairCache(terminalPairs: 0)
        wnoutrefresh(stdscr)
        doupdate()
        Self.writeRaw(Self.enableModes)
    }

    /// Turns colour on, limited to `depth` (mono leaves curses without colour). Call once, before painting.
    public func useColors(_ depth: ColorDepth) {
        let wanted = capabilities.limited(to: depth)
        guard wanted.count >= 8, start_color() == OK else { colors = .none; return }
        use_default_colors()
        colors = wanted
        pairs = ColorPairCache(terminalPairs: Int(COLOR_PAIRS))
        painted = nil
    }

    /// Sets `LC_ALL` from the environment; when that is not UTF-8 (a bare `docker run` has no `LANG`),
    /// `C.UTF-8` for characters, so ncursesw can draw what `DisplayWidth` measured.
    static func selectUTF8Locale() {
        setlocale(LC_ALL, "")
        let ctype = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? ""
        let upper = ctype.uppercased()
        if !upper.contains("UTF-8") && !upper.contains("UTF8") { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    // MARK: Drawing

    /// Draws `canvas`: only rows that differ from the last painted frame, then the cursor, then one `doupdate`.
    public func paint(_ canvas: Canvas) {
        guard isOpen else { return }
        if canvas.width != width || canvas.height != height { painted = nil }
        let previous = painted
        let rows = min(canvas.height, height), columns = min(canvas.width, width)
        pairsRestarted = false
        for y in 0..<rows {
            if let previous, y < previous.count, previous[y] == canvas.rows[y] { continue }
            paintRow(canvas.rows[y], at: y, width: columns)
        }
        if pairsRestarted {
            // Pairs were re-initialised mid-frame: rows drawn before may now show other colours.
            for y in 0..<rows { paintRow(canvas.rows[y], at: y, width: columns) }
        }
        painted = canvas.rows
        if let cursor = canvas.cursor, cursor.x >= 0, cursor.y >= 0, cursor.x < width, cursor.y < height {
            wmove(stdscr, Int32(cursor.y), Int32(cursor.x))
            setCursorVisible(true)
        } else {
            setCursorVisible(false)
        }
        wnoutrefresh(stdscr)
        doupdate()
    }

    /// Forgets what is on the screen: the next `paint` draws every row (after a resize, or when another
    /// program may have drawn over us).
    public func invalidate() {
        painted = nil
        clearok(curscr, true)
    }

    private func paintRow(_ row: Row, at y: Int, width: Int) {
        var x = 0
        for span in row.spans {
            let w = span.width   // measured once, when the span was made
            guard x + w <= width else { break }
            if w > 0 || !span.text.isEmpty {
                wmove(stdscr, Int32(y), Int32(x))   // per span: a libc wcwidth that disagrees cannot shift the rest
                setStyle(span.style)
                wide.removeAll(keepingCapacity: true)
                for scalar in span.text.unicodeScalars { wide.append(wchar_t(bitPattern: scalar.value)) }
                _ = waddnwstr(stdscr, wide, Int32(wide.count))
            }
            x += w
        }
        if x < width {
            wmove(stdscr, Int32(y), Int32(x))
            setStyle(row.fill)
            wide = Array(repeating: wchar_t(32), count: width - x)
            _ = waddnwstr(stdscr, wide, Int32(wide.count))
        }
    }

    private func setStyle(_ style: Style) {
        var pair: Int32 = 0
        if colors.count >= 8 {
            let key = ColorPairCache.Key(foreground: colors.number(for: style.foreground),
                                         background: colors.number(for: style.background))
            let allocation = pairs.pair(for: key)
            switch allocation {
            case .cached: break
            case .new(let p): init_extended_pair(p, key.foreground, key.background)
            case .restarted(let p):
                init_extended_pair(p, key.foreground, key.background)
                pairsRestarted = true
            }
            pair = allocation.pair
        }
        _ = wattr_set(stdscr, Self.attributes(style.attributes), Int16(clamping: pair), &pair)
    }

    /// `NCURSES_BITS(1, n)`: the attribute macros do not cross into Swift.
    private static func attributes(_ a: Attributes) -> attr_t {
        func bit(_ n: Int) -> attr_t { attr_t(1) << attr_t(n + 8) }
        var out: attr_t = 0
        if a.contains(.underline) { out |= bit(9) }
        if a.contains(.reverse) { out |= bit(10) }
        if a.contains(.dim) { out |= bit(12) }
        if a.contains(.bold) { out |= bit(13) }
        if a.contains(.italic) { out |= bit(23) }
        return out
    }

    private func setCursorVisible(_ visible: Bool) {
        guard cursorVisible != visible else { return }
        cursorVisible = visible
        curs_set(visible ? 1 : 0)
    }

    /// Rings the terminal bell (or flashes, as the terminal decides).
    public func bell() {
        guard isOpen else { return }
        beep()
    }

    /// After SIGWINCH: reads the size from the kernel, tells curses, and repaints everything next time.
    /// Returns the new size in columns and rows.
    @discardableResult
    public func resize() -> (width: Int, height: Int) {
        guard isOpen else { return (width, height) }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        }
        width = Int(COLS)
        height = Int(LINES)
        invalidate()
        return (width, height)
    }

    /// Puts the terminal back as it was: paste and mouse reporting off, curses ended (cursor, modes, screen).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        Self.writeRaw(Self.disableModes)
        endwin()
        delscreen(screen)
        CrashGuard.disarm()
        Self.current = nil
    }

    /// For the `atexit` hook: closes the open terminal, if any.
    static func closeCurrent() { current?.close() }

    /// Writes control bytes straight to the terminal, after what curses has buffered.
    static func writeRaw(_ text: String) {
        fflush(stdout)
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
        bytes.removeAll()
    }
}

/// The last line of defence for the terminal: on a crash or an `exit()` that skipped `close()`.
///
/// A signal handler may only make async-signal-safe calls, so everything it needs (the termios saved at start,
/// the reset sequence, the previous handlers) is prepared before it is installed, in memory it never allocates.
enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Saves the terminal's settings before curses changes them.
    static func saveTerminalState(fd: Int32) {
        state.pointee.fd = fd
        state.pointee.hasTermios = tcgetattr(fd, &state.pointee.saved) == 0
        let reset = Array(Terminal.resetModes.utf8)
        state.pointee.resetLength = min(reset.count, 64)
        withUnsafeMutableBytes(of: &state.pointee.reset) { buffer in
            for i in 0..<state.pointee.resetLength { buffer[i] = reset[i] }
        }
    }

    /// Arms the crash handlers and (once per process) the `atexit` hook.
    static func install() {
        if !state.pointee.atexitRegistered {
            state.pointee.atexitRegistered = true
            atexit { Terminal.closeCurrent() }
        }
        _ = state
        _ = previous
        for (i, signo) in signals.enumerated() {
            var action = sigaction()
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_NODEFER
            #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = crashHandler
            #else
            action.__sigaction_handler.sa_handler = crashHandler
            #endif
            sigaction(signo, &action, previous + i)
        }
        state.pointee.armed = 1
    }

    /// Puts the previous handlers back (the terminal is already restored).
    static func disarm() {
        guard state.pointee.armed == 1 else { return }
        state.pointee.armed = 0
        for (i, signo) in signals.enumerated() { sigaction(signo, previous + i, nil) }
    }

    struct State {
        var armed: sig_atomic_t = 0
        var fd: Int32 = 1
        var hasTermios = false
        var saved = termios()
        var reset: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var resetLength = 0
        var atexitRegistered = false
    }

    /// Allocated once and never freed: the handler reads it at any time.
    nonisolated(unsafe) static let state: UnsafeMutablePointer<State> = {
        let pointer = UnsafeMutablePointer<State>.allocate(capacity: 1)
        pointer.initialize(to: State())
        return pointer
    }()

    /// The handlers that were installed before ours (the Swift runtime's crash reporter, or the default).
    nonisolated(unsafe) static let previous: UnsafeMutablePointer<sigaction> = {
        let pointer = UnsafeMutablePointer<sigaction>.allocate(capacity: 8)
        pointer.initialize(repeating: sigaction(), count: 8)
        return pointer
    }()
}

/// Restores the terminal with async-signal-safe calls only, then re-raises the signal under the handler that
/// was there before ours (so a crash report is printed on a sane terminal, or the default action runs).
private func crashHandler(_ signo: Int32) {
    let state = CrashGuard.state
    if state.pointee.armed == 1 {
        state.pointee.armed = 0
        if state.pointee.hasTermios { _ = tcsetattr(state.pointee.fd, TCSAFLUSH, &state.pointee.saved) }
        withUnsafeBytes(of: &state.pointee.reset) { buffer in
            _ = write(state.pointee.fd, buffer.baseAddress, state.pointee.resetLength)
        }
    }
    // A switch, not `signals.firstIndex`: no array retain/release inside a signal handler.
    let index: Int
    switch signo {
    case SIGSEGV: index = 0
    case SIGBUS: index = 1
    case SIGILL: index = 2
    case SIGFPE: index = 3
    case SIGABRT: index = 4
    case SIGTRAP: index = 5
    default: index = -1
    }
    if index >= 0 { sigaction(signo, CrashGuard.previous + index, nil) } else { signal(signo, SIG_DFL) }
    raise(signo)
}
