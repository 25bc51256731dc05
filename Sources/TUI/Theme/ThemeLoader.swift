#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds themes by name: `<userDirectory>/<name>.theme` first (the App passes
/// `$XDG_CONFIG_HOME/p2p-chat/themes`), then the built-ins. User themes are parsed over `default-dark`,
/// so a user file may set only the roles it changes.
public struct ThemeLoader: Sendable {
    public static let defaultName = "default-dark"
    /// A theme file larger than this is refused as unreadable (themes are a few hundred bytes).
    public static let maxFileBytes = 64 * 1024

    public var userDirectory: String?

    public init(userDirectory: String?) { self.userDirectory = userDirectory }

    /// The built-in themes, parsed; the shipped text is checked by tests, so parsing never fails in practice
    /// (a failure would give the plain theme rather than stop the program).
    public static let builtins: [Theme] = {
        var out: [Theme] = []
        var base = Theme.plain
        for entry in BuiltinThemeText.all {
            let theme = (try? ThemeParser.parse(entry.text, name: entry.name, file: "<built-in \(entry.name)>", base: base))
                ?? Theme(name: entry.name)
            if entry.name == defaultName { base = theme }
            out.append(theme)
        }
        return out
    }()

    /// The default theme, always available.
    public static var defaultTheme: Theme { builtins.first { $0.name == defaultName } ?? .plain }

    /// Theme names a user can pick: user files and built-ins, sorted, without duplicates.
    public func availableNames() -> [String] {
        var names = Set(ThemeLoader.builtins.map(\.name))
        if let dir = userDirectory, let files = try? FileManager.default.contentsOfDirectory(atPath: dir) {
            for file in files where file.hasSuffix(".theme") {
                let name = String(file.dropLast(6))
                if ThemeLoader.isValidName(name) { names.insert(name) }
            }
        }
        return names.sorted()
    }

    /// The theme called `name`: a user file if there is one, else a built-in.
    public func load(_ name: String) throws -> Theme {
        guard ThemeLoader.isValidName(name) else { throw ThemeError.badName(name) }
        var searched: [String] = []
        if let dir = userDirectory {
            let path = ThemeLoader.path(name + ".theme", in: dir)
            searched.append(path)
            if FileManager.default.fileExists(atPath: path) {
                guard let data = FileManager.default.contents(atPath: path), data.count <= ThemeLoader.maxFileBytes,
                      let text = String(data: data, encoding: .utf8) else { throw ThemeError.unreadable(file: path) }
                return try ThemeParser.parse(text, name: name, file: path, base: ThemeLoader.defaultTheme)
            }
        }
        searched.append("<built-in>")
        if let builtin = ThemeLoader.builtins.first(where: { $0.name == name }) { return builtin }
        throw ThemeError.notFound(name: name, searched: searched)
    }

    /// `file` in `directory`, joined as `NSString.appendingPathComponent` joins them: with one `/`
    /// between, none added after a directory that ends in `/` or is empty.
    static func path(_ file: String, in directory: String) -> String {
        if directory.isEmpty || file.isEmpty { return directory + file }
        return directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}
