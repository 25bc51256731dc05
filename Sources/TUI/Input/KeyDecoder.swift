/// Turns the bytes of a terminal in raw mode into `InputEvent`s (sans-IO: the App reads stdin and feeds them).
///
/// What a terminal sends (ESC = 0x1B; `n`, `m`, `b`, `x`, `y` are decimal numbers):
///
///     text          UTF-8 bytes                     invalid bytes → U+FFFD; a sequence split across
///                                                   reads is joined
///     Enter         0x0D or 0x0A       Tab  0x09    Backspace  0x7F or 0x08
///     Ctrl-A…Z      0x01…0x1A (except Tab, Enter, Backspace, which keep those names)
///     Alt-x         ESC x
///     CSI           ESC [ params final              params 0x30–0x3F, final 0x40–0x7E
///       ESC [ A/B/C/D/H/F                           Up/Down/Right/Left/Home/End
///       ESC [ 1 ; m A                               the same with modifiers (m = 1 + Shift 1 + Alt 2 + Ctrl 4)
///       ESC [ n ~  /  ESC [ n ; m ~                 1/7 Home 4/8 End 2 Ins 3 Del 5 PgUp 6 PgDn, 11… F-keys
///       ESC [ Z                                     Shift-Tab
///       ESC [ < b ; x ; y M/m                       SGR mouse (m = release)
///       ESC [ M b x y                               X10 mouse (three raw bytes, each value + 32)
///       ESC [ 200 ~ … ESC [ 201 ~                   bracketed paste, the bytes between kept verbatim
///     SS3           ESC O A/B/C/D/H/F/P/Q/R/S       cursor keys in application mode, F1–F4
///     Alt + key     ESC ESC [ … / ESC ESC O …       rxvt's way: the key with Alt added
///
/// Unknown and malformed sequences are dropped, never inserted as text; a sequence longer than
/// `maxSequenceLength` is swallowed up to its final byte without being stored. A lone ESC cannot be told
/// from the start of a sequence: `hasPendingEscape` is then true, and the App calls `flushPending()` when no
/// more input came for `escapeTimeout`. The result is the same for every chunking of the input.
public struct KeyDecoder {
    /// Parameter bytes kept for one CSI or SS3 sequence; longer sequences are dropped.
    public static let maxSequenceLength = 32
    /// Bytes kept of one bracketed paste (1 MiB); the rest is dropped and the paste flagged `truncated`.
    public static let maxPasteBytes = 1 << 20
    /// How long the App waits after a lone ESC before calling `flushPending()`.
    public static let escapeTimeout: Duration = .milliseconds(25)

    static let pasteStart = 200
    static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    /// What started an escape sequence: `ESC [` (CSI) or `ESC O` (SS3).
    enum Introducer: Equatable { case csi, ss3 }

    enum State: Equatable {
        case ground
        case escape                 // ESC seen
        case doubleEscape           // ESC ESC: Alt + an escape sequence (rxvt's Alt-Left is ESC ESC [ D), or two ESCs
        case sequence(Introducer, [UInt8])   // ESC [ or ESC O, and the parameter bytes so far
        case discard                // an over-long sequence, swallowed up to its final byte
        case x10Mouse([UInt8])      // ESC [ M and the raw bytes so far
        case paste                  // inside ESC [ 200 ~ … ESC [ 201 ~
    }

    var state = State.ground
    /// ESC was followed by a UTF-8 lead byte: the character being decoded is Alt + that character.
    var altPending = false
    /// The sequence being read came after ESC ESC: its key gets the Alt modifier.
    var altSequence = false
    var utf8 = UTF8Assembler()
    var paste = PasteBuffer()

    /// Events found in the current `feed`, with printable text gathered into `run` until something else comes.
    private var events: [InputEvent] = []
    private var run = ""

    public init() {}

    /// True when the input so far ends in a lone ESC or an unfinished escape sequence.
    public var hasPendingEscape: Bool {
        switch state {
        case .escape, .doubleEscape, .sequence, .discard, .x10Mouse: return true
        case .ground, .paste: return false
        }
    }

    /// Decodes `bytes`; bytes of an unfinished sequence are kept for the next call.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [InputEvent] {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if state == .paste, !paste.isMatchingMarker {
                // Fast path: pasted bytes up to the next ESC cannot end the paste.
                let end = bytes[index...].firstIndex(of: 0x1B) ?? bytes.endIndex
                if end != index {
                    paste.keep(bytes[index..<end])
                    index = end
                    continue
                }
            }
            while !step(bytes[index]) {}
            index = bytes.index(after: index)
        }
        return takeEvents()
    }

    /// Ends an unfinished escape sequence after `escapeTimeout` of silence: a lone ESC is the Escape key,
    /// `ESC [` and `ESC O` are Alt-[ and Alt-O; any other unfinished sequence is dropped.
    public mutating func flushPending() -> [InputEvent] {
        switch state {
        case .escape: emit(.escape)
        case .doubleEscape:
            emit(.escape)
            emit(.escape)
        case .sequence(.csi, []): emit(.alt("["))
        case .sequence(.ss3, []): emit(.alt("O"))
        case .sequence, .discard, .x10Mouse, .ground, .paste: break
        }
        if state != .paste { state = .ground }
        return takeEvents()
    }

    private mutating func takeEvents() -> [InputEvent] {
        flushRun()
        defer { events = [] }
        return events
    }

    /// Handles one byte; false when the byte ended a malformed sequence and must be read again in `.ground`.
    private mutating func step(_ byte: UInt8) -> Bool {
        switch state {
        case .ground: ground(byte)
        case .escape: escape(byte)
        case .doubleEscape:
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "O") {
                altSequence = true
                state = .sequence(byte == UInt8(ascii: "[") ? .csi : .ss3, [])
            } else {
                emit(.escape)           // the first ESC was the Escape key; the second starts over
                escape(byte)
            }
        case .sequence(let introducer, var params):
            switch byte {
            case 0x20...0x3F:
                params.append(byte)
                state = params.count > Self.maxSequenceLength ? .discard : .sequence(introducer, params)
            case 0x40...0x7E:
                state = .ground
                if introducer == .csi { dispatchCSI(params, final: byte) } else { dispatchSS3(params, final: byte) }
            default:
                state = .ground
                return false
            }
        case .discard:
            switch byte {
            case 0x20...0x3F: break
            case 0x40...0x7E: state = .ground
            default:
                state = .ground
                return false
            }
        case .x10Mouse(var raw):
            raw.append(byte)
            if raw.count == 3 {
                state = .ground
                if let mouse = Self.x10Mouse(raw) { emit(.mouse(mouse)) }
            } else {
                state = .x10Mouse(raw)
            }
        case .paste:
            if paste.append(byte, endMarker: Self.pasteEnd) {
                state = .ground
                let (text, truncated) = paste.finish()
                emit(.paste(text, truncated: truncated))
            }
        }
        return true
    }

    private mutating func ground(_ byte: UInt8) {
        if utf8.isPending || byte >= 0x80 {
            switch utf8.append(byte) {
            case .needMore: return
            case .scalar(let scalar): emitCharacter(Character(scalar))
            case .invalid(let reprocess):
                emitCharacter("\u{FFFD}")
                if reprocess { ground(byte) }
            }
            return
        }
        altPending = false
        switch byte {
        case 0x1B: state = .escape
        case 0x20...0x7E: run.unicodeScalars.append(Unicode.Scalar(byte))
        default: if let event = Self.control(byte) { emit(event) }
        }
    }

    private mutating func escape(_ byte: UInt8) {
        state = .ground
        switch byte {
        case UInt8(ascii: "["):
            altSequence = false
            state = .sequence(.csi, [])
        case UInt8(ascii: "O"):
            altSequence = false
            state = .sequence(.ss3, [])
        case 0x1B: state = .doubleEscape
        case 0x20...0x7E: emit(.alt(Character(Unicode.Scalar(byte))))
        case 0x80...:
            altPending = true
            ground(byte)
        default:
            guard let event = Self.control(byte) else { return }
            if case .key(let key, let mods) = event { emit(.key(key, mods.union(.alt))) } else { emit(event) }
        }
    }

    /// A C0 control byte or DEL as a key.
    static func control(_ byte: UInt8) -> InputEvent? {
        switch byte {
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x00: return .ctrl("@")
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(byte + 0x60)))   // 0x01 → "a"
        case 0x1C...0x1F: return .ctrl(Character(Unicode.Scalar(byte + 0x40)))   // 0x1C → "\"
        default: return nil
        }
    }

    private mutating func emitCharacter(_ character: Character) {
        if altPending {
            altPending = false
            emit(.alt(character))
        } else {
            run.append(character)
        }
    }

    mutating func emit(_ event: InputEvent) {
        flushRun()
        events.append(event)
    }

    /// A key from a finished sequence (with Alt when it came after ESC ESC).
    mutating func emitKey(_ key: Key, _ modifiers: Modifiers) {
        emit(.key(key, altSequence ? modifiers.union(.alt) : modifiers))
    }

    private mutating func flushRun() {
        guard !run.isEmpty else { return }
        events.append(.text(run))
        run = ""
    }

    mutating func beginPaste() {
        state = .paste
        paste = PasteBuffer()
    }

    mutating func beginX10Mouse() {
        state = .x10Mouse([])
    }
}
