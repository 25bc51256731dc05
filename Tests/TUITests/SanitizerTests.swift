import Testing
@testable import TUI

@Suite("Sanitizer: peer text never reaches the terminal as control sequences")
struct SanitizerTests {
    @Test("hostile strings become visible escapes", arguments: [
        ("\u{1B}[31mred\u{1B}[0m", "^[[31mred^[[0m"),                       // SGR colour
        ("\u{1B}]0;pwned\u{07}", "^[]0;pwned^G"),                            // OSC title + BEL
        ("\u{1B}]52;c;Y2xpcA==\u{1B}\\", "^[]52;c;Y2xpcA==^[\\"),            // OSC 52 clipboard write
        ("\u{1B}P+q544e\u{1B}\\", "^[P+q544e^[\\"),                          // DCS request
        ("a\u{9B}2Jb", "a<U+009B>2Jb"),                                      // 8-bit CSI clear screen
        ("\u{90}dcs\u{9C}", "<U+0090>dcs<U+009C>"),                          // 8-bit DCS … ST
        ("line1\nline2\r", "line1^Jline2^M"),                                 // newline and carriage return
        ("tab\there", "tab^Ihere"),
        ("back\u{08}\u{08}space\u{7F}", "back^H^Hspace^?"),
        ("nul\u{0}byte", "nul^@byte"),
        ("evil\u{202E}txt.exe", "evil<U+202E>txt.exe"),                       // RLO filename spoof
        ("\u{2066}isolate\u{2069}", "<U+2066>isolate<U+2069>"),
        ("ok: héllo 世界 🎉", "ok: héllo 世界 🎉"),                            // printable text untouched
    ])
    func hostile(input: String, expected: String) {
        let clean = Sanitizer.sanitize(input)
        #expect(clean == expected)
        #expect(Sanitizer.isClean(clean))
    }

    @Test("clean text is recognised and unchanged")
    func cleanText() {
        let text = "plain text, ünïcödé, emoji 👍🏽, CJK 漢字"
        #expect(Sanitizer.isClean(text))
        #expect(Sanitizer.sanitize(text) == text)
        #expect(!Sanitizer.isClean("\u{1B}"))
    }
}
