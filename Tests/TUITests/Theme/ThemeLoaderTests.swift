import Foundation
import Testing
@testable import TUI

@Suite("Themes: shipped files, built-ins and the loader")
struct ThemeLoaderTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("the compiled-in themes equal themes/*.theme, and every shipped file is compiled in")
    func builtinsEqualFiles() throws {
        let dir = ThemeLoaderTests.repo.appendingPathComponent("themes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".theme") }
        #expect(Set(files.map { String($0.dropLast(6)) }) == Set(BuiltinThemeText.all.map(\.name)))
        for entry in BuiltinThemeText.all {
            let file = try String(contentsOf: dir.appendingPathComponent(entry.name + ".theme"), encoding: .utf8)
            #expect(file == entry.text + "\n", "\(entry.name).theme differs from BuiltinThemeText")
        }
    }

    @Test("every built-in parses with every role set and a palette", arguments: ["default-dark", "light", "high-contrast", "mono"])
    func builtinParses(name: String) throws {
        let text = try #require(BuiltinThemeText.all.first { $0.name == name }).text
        let theme = try ThemeParser.parse(text, name: name, file: name, base: .plain)
        #expect(ThemeLoader.builtins.contains(theme))
        #expect(theme.nickPalette.count >= 2)
        let roles = Set(text.split(separator: "\n").compactMap { $0.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("#") })
        #expect(roles == Set(Theme.roles.map(\.name) + [Theme.paletteRole]))
    }

    @Test("user directory first, then built-ins; unknown and bad names are typed errors")
    func loader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "prompt = magenta\n".write(to: dir.appendingPathComponent("mono.theme"), atomically: true, encoding: .utf8)
        try "text = green\n".write(to: dir.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try "text green\n".write(to: dir.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        let loader = ThemeLoader(userDirectory: dir.path)

        let mono = try loader.load("mono")   // the user's file shadows the built-in
        #expect(mono.prompt == Style(foreground: .indexed(5)))
        #expect(mono.mention == ThemeLoader.defaultTheme.mention)   // the rest from default-dark
        #expect(try loader.load("light") == ThemeLoader.builtins.first { $0.name == "light" })
        #expect(loader.availableNames() == ["broken", "default-dark", "high-contrast", "light", "mine", "mono"])
        let brokenPath = dir.appendingPathComponent("broken.theme").path
        #expect(throws: ThemeError.badLine(file: brokenPath, line: 1, .missingEquals)) { try loader.load("broken") }
        #expect(throws: ThemeError.badName("../etc/passwd")) { try loader.load("../etc/passwd") }
        #expect(throws: ThemeError.notFound(name: "nope", searched: [dir.appendingPathComponent("nope.theme").path, "<built-in>"])) {
            try loader.load("nope")
        }
        #expect(try ThemeLoader(userDirectory: nil).load("default-dark") == ThemeLoader.defaultTheme)

        let huge = dir.appendingPathComponent("huge.theme")
        try Data(repeating: 0x23, count: ThemeLoader.maxFileBytes + 1).write(to: huge)
        #expect(throws: ThemeError.unreadable(file: huge.path)) { try loader.load("huge") }
        let binary = dir.appendingPathComponent("binary.theme")
        try Data([0x74, 0xFF, 0xFE, 0x0A]).write(to: binary)
        #expect(throws: ThemeError.unreadable(file: binary.path)) { try loader.load("binary") }
    }

    @Test("a user theme's path is joined as NSString.appendingPathComponent joined it", arguments: [
        "", "/", "themes", "themes/", "/home/me/.config/p2p-chat/themes", "~/x",
    ])
    func userThemePath(directory: String) {
        #expect(ThemeLoader.path("mine.theme", in: directory) == (directory as NSString).appendingPathComponent("mine.theme"))
    }

    @Test("in mono every role loses its colours and the important ones keep an attribute")
    func monoResolution() {
        for theme in ThemeLoader.builtins {
            let mono = theme.resolved(for: .mono)
            for role in Theme.roles {
                #expect(mono[keyPath: role.path].foreground == .default)
                #expect(mono[keyPath: role.path].background == .default)
            }
            #expect(mono.mention.attributes.isSuperset(of: [.reverse, .bold]))
            #expect(mono.statusLine.attributes.contains(.reverse))
            #expect(mono.ownNick.attributes.contains(.bold))
        }
    }
}
