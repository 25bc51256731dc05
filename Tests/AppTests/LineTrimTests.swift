import Foundation
import Testing
@testable import App

/// `ChatSession.trimmed`, the first step of every typed line: the ASCII fast path and the Unicode path agree.
@Suite("ChatSession.trimmed: typed lines without surrounding whitespace")
struct LineTrimTests {
    @Test("surrounding whitespace of every kind goes, inner whitespace and visible text stay", arguments: [
        ("hello", "hello"),
        ("  hello world  ", "hello world"),
        ("\thello\r", "hello"),
        ("/nick bob", "/nick bob"),
        ("\u{00A0}héllo\u{2003}", "héllo"),          // no-break and em spaces (Unicode whitespace)
        ("\u{3000}日本\u{3000}", "日本"),             // ideographic space
        ("é", "é"),                                   // a non-ASCII first and last character: the slow path
        ("a", "a"),
        ("~", "~"),
        ("!x!", "!x!"),
        ("   ", ""),
        ("", ""),
        ("\u{7F}x", "\u{7F}x"),                       // DEL is not whitespace: kept (the screen strips controls)
    ])
    func trims(input: String, expected: String) {
        #expect(ChatSession.trimmed(input) == expected)
    }

    @Test("the fast path returns a line that needs no trimming unchanged, for every printable ASCII edge")
    func fastPathMatchesUnicodeRule() {
        for first in UInt8(0x21)...UInt8(0x7E) {
            for last in [UInt8(0x21), 0x41, 0x7E, first] {
                let line = String(decoding: [first, 0x20, 0x61, 0x20, last], as: UTF8.self)
                #expect(ChatSession.trimmed(line) == line)
            }
        }
    }

    @Test("a command's text (/me, /search) loses surrounding spaces and tabs as with CharacterSet.whitespaces", arguments: [
        "/me waves", "/me   waves  ", "/me\twaves\t", "/search \u{00A0}\u{3000}über\u{2003}", "/me \r\nx", "/me",
        "/me \u{85}x\u{2028}", "/me  \u{301}x",
    ])
    func argumentText(line: String) {
        let afterWord = line.dropFirst().drop { !$0.isWhitespace }
        #expect(ChatSession.argumentText(of: line) == afterWord.trimmingCharacters(in: .whitespaces))
    }
}
