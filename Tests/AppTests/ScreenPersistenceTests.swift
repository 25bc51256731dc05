import Foundation
import Testing
@testable import App

@Suite("What the full screen keeps across runs")
struct ScreenPersistenceTests {
    @Test("input history round-trips through its JSON setting, unicode and quotes included")
    func roundTrip() {
        let lines = ["hello", "/join dev", "quote \" and \\ backslash", "wide 世界 🎉", ""]
        #expect(History.decodeInputHistory(History.encodeInputHistory(lines)) == lines)
    }

    @Test("the stored setting stays a JSON array of strings, read both ways with JSONSerialization (older versions)")
    func storedFormat() throws {
        let lines = ["a/b", "tab\t \"q\" \\", "ctl \u{1} \u{7F} \u{2028}", "wide 世界 🎉", ""]
        #expect(History.encodeInputHistory(["hello", "/join dev"]) == #"["hello","/join dev"]"#)
        let ours = History.encodeInputHistory(lines)
        #expect(try JSONSerialization.jsonObject(with: Data(ours.utf8)) as? [String] == lines)
        let theirs = String(decoding: try JSONSerialization.data(withJSONObject: lines), as: UTF8.self)
        #expect(theirs.contains(#"a\/b"#))   // JSONSerialization escaped "/": it reads back the same
        #expect(History.decodeInputHistory(theirs) == lines)
    }

    @Test("only the newest maxInputHistory lines are kept, and over-long lines are not")
    func bounded() {
        let many = (1...(History.maxInputHistory + 20)).map { "line \($0)" }
        let kept = History.decodeInputHistory(History.encodeInputHistory(many))
        #expect(kept.count == History.maxInputHistory)
        #expect(kept.last == many.last)
        #expect(kept.first == "line 21")
        let long = String(repeating: "x", count: History.maxInputHistoryLineBytes + 1)
        #expect(History.decodeInputHistory(History.encodeInputHistory(["a", long, "b"])) == ["a", "b"])
    }

    @Test("an unreadable setting is an empty history, never a failed start", arguments: [
        "", "not json", "{\"a\":1}", "[1, 2, 3]", "[\"ok\", 5]",
    ])
    func unreadable(_ text: String) {
        let decoded = History.decodeInputHistory(text)
        #expect(decoded == (text == "[\"ok\", 5]" ? ["ok"] : []))
    }

    @Test("labels: nick · the PeerID's last four characters")
    func label() {
        #expect(ScreenEntries.label(nick: "alice", peer: "12D3KooWabcd3fa9") == "alice·3fa9")
    }
}
