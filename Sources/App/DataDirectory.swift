#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Network
import Persistence

/// Where the node keeps its state: `--data-dir`, else `$DATA_DIR`, else `$XDG_DATA_HOME/p2p-chat`,
/// else `~/.local/share/p2p-chat`.
struct DataDirectory {
    let path: String

    static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DataDirectory {
        if let flag, !flag.isEmpty { return DataDirectory(path: flag) }
        if let dir = environment["DATA_DIR"], !dir.isEmpty { return DataDirectory(path: dir) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return DataDirectory(path: xdg + "/p2p-chat") }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return DataDirectory(path: home + "/.local/share/p2p-chat")
    }

    var identityPath: String { path + "/identity.key" }
    var logPath: String { path + "/p2p-chat.log" }

    func create() throws { try KeyFile.ensureDirectory(path) }

    /// The node's Ed25519 identity: generated on first start, then read back (file mode 0600).
    func loadIdentity() throws -> PrivateKey {
        let bytes = try KeyFile.loadOrCreate(at: identityPath) { PrivateKey.generate().protobuf }
        do { return try PrivateKey(protobuf: bytes) } catch {
            throw AppError.corruptIdentity(path: identityPath, reason: "\(error)")
        }
    }
}

/// Errors that stop the program before the reactor runs; each is printed on stderr.
enum AppError: Error, CustomStringConvertible {
    case corruptIdentity(path: String, reason: String)
    case cannotListen(String)
    case dataDirectory(String)

    var description: String {
        switch self {
        case .corruptIdentity(let p, let r): return "identity file \(p) is unreadable (\(r)); move it away to create a new identity"
        case .cannotListen(let m): return m
        case .dataDirectory(let m): return m
        }
    }
}
