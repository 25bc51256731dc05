import Testing
@testable import TUI

@Suite("ThemeParser: the .theme text format")
struct ThemeParserTests {
    func parse(_ text: String) throws -> Theme {
        try ThemeParser.parse(text, name: "t", file: "t.theme", base: .plain)
    }

    @Test("roles, colours by name, index and #rrggbb, backgrounds, attributes and comments")
    func goodFile() throws {
        let theme = try parse("""
        # a comment line
        timestamp = bright-black          # trailing comment
          own-nick=#FFaa00 bold underline
        mention = white on #5f0087 bold reverse
        status-line = 236 on 250
        error =\tbold\titalic\r
        nick-palette = red, 208 bold, #010203 on blue

        text = default on default dim
        """)
        #expect(theme.name == "t")
        #expect(theme.timestamp == Style(foreground: .indexed(8)))
        #expect(theme.ownNick == Style(foreground: .rgb(0xFF, 0xAA, 0x00), attributes: [.bold, .underline]))
        #expect(theme.mention == Style(foreground: .indexed(7), background: .rgb(0x5F, 0, 0x87), attributes: [.bold, .reverse]))
        #expect(theme.statusLine == Style(foreground: .indexed(236), background: .indexed(250)))
        #expect(theme.error == Style(attributes: [.bold, .italic]))
        #expect(theme.nickPalette == [Style(foreground: .indexed(1)), Style(foreground: .indexed(208), attributes: .bold),
                                      Style(foreground: .rgb(1, 2, 3), background: .indexed(4))])
        #expect(theme.text == Style(attributes: .dim))
    }

    @Test("roles left out keep the base theme's value")
    func inheritsBase() throws {
        var base = Theme.plain
        base.prompt = Style(foreground: .indexed(6))
        let theme = try ThemeParser.parse("text = red", name: "t", file: "t.theme", base: base)
        #expect(theme.prompt == base.prompt)
        #expect(theme.text == Style(foreground: .indexed(1)))
    }

    @Test("every bad line is a typed error naming file and line", arguments: [
        ("text red", ThemeError.Reason.missingEquals),
        ("text =", .emptyValue(role: "text")),
        ("text =    # only a comment", .emptyValue(role: "text")),
        ("colour = red", .unknownRole("colour")),
        ("text = red\ntext = blue", .duplicateRole("text")),
        ("text = reddish", .badColor("reddish")),
        ("text = 256", .badColor("256")),
        ("text = #12345", .badColor("#12345")),
        ("text = #gggggg", .badColor("#gggggg")),
        ("text = red on", .missingBackground),
        ("text = red on mauve", .badColor("mauve")),
        ("text = red blue", .unexpectedWord("blue")),
        ("nick-palette = red,,blue", .emptyStyle),
        ("nick-palette = red, ", .emptyStyle),
    ])
    func badLines(text: String, reason: ThemeError.Reason) {
        let line = 1 + text.split(separator: "\n").count   // after the header line
        #expect(throws: ThemeError.badLine(file: "t.theme", line: line, reason)) { try parse("# header\n" + text) }
    }
}
