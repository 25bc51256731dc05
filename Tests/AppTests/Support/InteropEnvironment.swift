import Foundation
import Testing

/// Where the interop tests find their tools.
///
/// - py-libp2p: `$P2P_CHAT_PY` (set by `make test`), else `<repo>/.venv/bin/python` if it exists.
///   Without one the interop tests are skipped with a visible reason — except under `CI=true`,
///   where they run and fail, because `make test` always creates the venv there.
/// - p2p-chat: `$P2P_CHAT_BIN`, else the `p2p-chat` next to the running test bundle (swift test
///   builds it, since AppTests depends on App), else `<repo>/.build/debug/p2p-chat`.
enum InteropEnvironment {
    /// The repository root, from this file's path: <repo>/Tests/AppTests/Support/InteropEnvironment.swift.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let pyDirectory = repoRoot.appendingPathComponent("Tests/Interop/py")
    static let pyPeerScript = pyDirectory.appendingPathComponent("py_peer.py").path
    static let pySelftestScript = pyDirectory.appendingPathComponent("selftest.py").path

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// True under CI (`CI=true`, as `.ci/run` exports).
    static var isCI: Bool {
        guard let value = environment["CI"]?.lowercased() else { return false }
        return ["true", "1", "yes"].contains(value)
    }

    /// The virtualenv's python with py-libp2p 0.8.1, if one is configured or present.
    static var python: String? {
        let fm = FileManager.default
        if let explicit = environment["P2P_CHAT_PY"], !explicit.isEmpty {
            return fm.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let venv = repoRoot.appendingPathComponent(".venv/bin/python").path
        return fm.isExecutableFile(atPath: venv) ? venv : nil
    }

    static var pythonAvailable: Bool { python != nil }

    /// Interop tests run when a venv exists, and always under CI (where a missing venv is a failure).
    static var interopEnabled: Bool { pythonAvailable || isCI }

    static let skipReason: Comment =
        "no py-libp2p 0.8.1 virtualenv: run `make venv` (or set P2P_CHAT_PY) to run the interop tests"

    /// The python to use, or a failure explaining what is missing (used inside enabled tests).
    static func requirePython() throws -> String {
        if let python { return python }
        let configured = environment["P2P_CHAT_PY"].map { "P2P_CHAT_PY=\($0) is not an executable; " } ?? ""
        throw LineProcess.Failure(description: "\(configured)no py-libp2p virtualenv at "
            + "\(repoRoot.appendingPathComponent(".venv").path) and CI=\(environment["CI"] ?? "unset"): "
            + "`make test` creates it (make venv)")
    }

    /// The p2p-chat executable under test.
    static func requireBinary() throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let explicit = environment["P2P_CHAT_BIN"], !explicit.isEmpty { candidates.append(explicit) }
        if let exe = Bundle.main.executableURL {
            candidates.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("p2p-chat").path)
        }
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("p2p-chat").path)
        candidates.append(repoRoot.appendingPathComponent(".build/debug/p2p-chat").path)
        if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0) }) { return found }
        throw LineProcess.Failure(description: "p2p-chat binary not found; looked at \(candidates)")
    }

    /// A fresh, empty temporary directory (for --data-dir); the caller removes it.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("p2p-chat-test-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
