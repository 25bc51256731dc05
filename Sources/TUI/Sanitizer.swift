/// Makes untrusted text (peers' messages, nicks, room names) safe to put on a terminal.
///
/// Nothing a peer sends may be interpreted by the terminal. Every C0 control (TAB included: it breaks
/// width accounting), DEL, every C1 control (U+0080–U+009F), and the Unicode bidirectional overrides and
/// isolates (which can reorder what the reader sees) become visible escapes:
///
///     ESC [ 3 1 m   →  "^[[31m"      (ESC and the sequence after it, shown, never run)
///     U+0007 BEL    →  "^G"
///     U+009B CSI    →  "<U+009B>"
///     U+202E RLO    →  "<U+202E>"
///
/// The result contains only printable characters, so wrapping by display width stays exact.
public enum Sanitizer {
    /// Bidi controls: LRE RLE PDF LRO RLO (U+202A–U+202E), LRI RLI FSI PDI (U+2066–U+2069), LRM/RLM/ALM.
    static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// One line of text with every control shown as a visible escape.
    public static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x00...0x1F:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(v) + 0x40))   // ^@ … ^_ ; ESC is ^[
            case 0x7F:
                out.append(contentsOf: "^?".unicodeScalars)
            case 0x80...0x9F:
                out.append(contentsOf: visible(v))
            case _ where isBidiControl(v):
                out.append(contentsOf: visible(v))
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func visible(_ v: UInt32) -> String.UnicodeScalarView {
        let hex = String(v, radix: 16, uppercase: true)
        return ("<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">").unicodeScalars
    }

    /// Whether `text` would pass through `sanitize` unchanged.
    public static func isClean(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { s in
            let v = s.value
            return !(v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || isBidiControl(v))
        }
    }
}
