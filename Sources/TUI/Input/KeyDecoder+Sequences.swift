/// The tables behind `KeyDecoder`: what each finished CSI and SS3 sequence means.
extension KeyDecoder {
    /// Final byte of `ESC [ 1 ; m X` / `ESC O X` → key.
    static let letterKeys: [UInt8: Key] = [
        UInt8(ascii: "A"): .up, UInt8(ascii: "B"): .down, UInt8(ascii: "C"): .right, UInt8(ascii: "D"): .left,
        UInt8(ascii: "H"): .home, UInt8(ascii: "F"): .end,
        UInt8(ascii: "P"): .function(1), UInt8(ascii: "Q"): .function(2),
        UInt8(ascii: "R"): .function(3), UInt8(ascii: "S"): .function(4),
    ]

    /// `n` of `ESC [ n ~` → key (VT220 and xterm numbering; rxvt's 7/8 for Home/End).
    static let tildeKeys: [Int: Key] = [
        1: .home, 7: .home, 4: .end, 8: .end, 2: .insert, 3: .delete, 5: .pageUp, 6: .pageDown,
        11: .function(1), 12: .function(2), 13: .function(3), 14: .function(4), 15: .function(5),
        17: .function(6), 18: .function(7), 19: .function(8), 20: .function(9), 21: .function(10),
        23: .function(11), 24: .function(12),
    ]

    mutating func dispatchCSI(_ params: [UInt8], final: UInt8) {
        if params.first == UInt8(ascii: "<") {
            if final == UInt8(ascii: "M") || final == UInt8(ascii: "m"),
               let mouse = Self.sgrMouse(params.dropFirst(), release: final == UInt8(ascii: "m")) {
                emit(.mouse(mouse))
            }
            return
        }
        if params.isEmpty && final == UInt8(ascii: "M") { return beginX10Mouse() }
        guard let fields = Self.numbers(params[...]) else { return }   // private markers, sub-parameters: dropped
        let modifiers = Modifiers(xtermParameter: fields.count > 1 ? fields[1] ?? 1 : 1)
        switch final {
        case UInt8(ascii: "Z"): emitKey(.tab, modifiers.union(.shift))
        case UInt8(ascii: "~"):
            guard let n = fields.first ?? nil else { return }
            if n == Self.pasteStart { return beginPaste() }
            if let key = Self.tildeKeys[n] { emitKey(key, modifiers) }
        default:
            if let key = Self.letterKeys[final] { emitKey(key, modifiers) }
        }
    }

    mutating func dispatchSS3(_ params: [UInt8], final: UInt8) {
        guard let fields = Self.numbers(params[...]) else { return }
        // Some terminals send modified keys as ESC O m X (one number: the modifier).
        let modifiers = Modifiers(xtermParameter: fields.last.flatMap { $0 } ?? 1)
        if final == UInt8(ascii: "M") { return emitKey(.enter, modifiers) }   // keypad Enter
        if let key = Self.letterKeys[final] { emitKey(key, modifiers) }
    }

    /// Numbers in parameters saturate here (no key has a larger one), so long digit runs cannot overflow.
    static let maxParameter = 99_999

    /// `1;5` → [1, 5]; an empty field is nil (its default); anything but digits and `;` → nil.
    static func numbers(_ params: ArraySlice<UInt8>) -> [Int?]? {
        guard !params.isEmpty else { return [] }
        var fields: [Int?] = []
        for field in params.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            if field.isEmpty { fields.append(nil); continue }
            guard field.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            fields.append(field.reduce(0) { min($0 * 10 + Int($1 - 0x30), maxParameter) })   // saturates
        }
        return fields
    }

    /// `b ; x ; y` of an SGR report (the `<` already removed).
    static func sgrMouse(_ params: ArraySlice<UInt8>, release: Bool) -> MouseEvent? {
        guard let fields = numbers(params), fields.count == 3,
              let b = fields[0], let x = fields[1], let y = fields[2], x >= 1, y >= 1 else { return nil }
        return mouse(button: b, column: x - 1, row: y - 1, release: release)
    }

    /// The three raw bytes of an X10 report, each offset by 32 (coordinates count from 1).
    static func x10Mouse(_ raw: [UInt8]) -> MouseEvent? {
        guard raw.count == 3, raw[0] >= 32, raw[1] > 32, raw[2] > 32 else { return nil }
        let b = Int(raw[0]) - 32
        return mouse(button: b, column: Int(raw[1]) - 33, row: Int(raw[2]) - 33, release: b & 3 == 3 && b & 64 == 0)
    }

    /// Button code `b`: low two bits the button (3 = release in X10), +4 Shift, +8 Alt, +16 Ctrl,
    /// +32 motion, +64 wheel (low bits 0 up, 1 down). Motion and horizontal wheel are not used: dropped.
    static func mouse(button b: Int, column: Int, row: Int, release: Bool) -> MouseEvent? {
        var modifiers: Modifiers = []
        if b & 4 != 0 { modifiers.insert(.shift) }
        if b & 8 != 0 { modifiers.insert(.alt) }
        if b & 16 != 0 { modifiers.insert(.ctrl) }
        let kind: MouseEvent.Kind
        if b & 64 != 0 {
            switch b & 3 {
            case 0: kind = .wheelUp
            case 1: kind = .wheelDown
            default: return nil
            }
        } else if b & 32 != 0 {
            return nil
        } else if release {
            kind = .release
        } else {
            kind = .press(button: b & 3 + 1)
        }
        return MouseEvent(kind, column: column, row: row, modifiers: modifiers)
    }
}
