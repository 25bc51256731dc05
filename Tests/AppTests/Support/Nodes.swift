import Foundation

/// A `p2p-chat --headless` node on 127.0.0.1 with its own temporary data directory.
final class ChatNode {
    let process: LineProcess
    let dataDir: URL
    private let ownsDataDir: Bool
    /// The `ready` event: peer, addrs, …
    let ready: [String: Any]
    var peer: String { ready.string("peer") ?? "" }
    var addrs: [String] { ready.strings("addrs") }
    /// The first advertised 127.0.0.1 address (with its /p2p suffix).
    var loopbackAddr: String { addrs.first { $0.hasPrefix("/ip4/127.0.0.1/") } ?? addrs.first ?? "" }

    /// `mdns: false` (the default) passes `--no-mdns`, so tests running side by side never find each other;
    /// `dht: false` (the default, unless `--bootstrap` or `--dht-server` is given) passes `--no-dht`. NAT-PMP is always off.
    /// `wrapper` runs the binary through a command (`ip netns exec NS`).
    init(name: String = "p2p-chat", connect: [String] = [], enablePerf: Bool = false,
         dataDir: URL? = nil, extraArguments: [String] = [], readyTimeout: Double = 30, mdns: Bool = false,
         dht: Bool = false, wrapper: [String] = []) throws {
        if let dataDir {
            self.dataDir = dataDir
            ownsDataDir = false
        } else {
            self.dataDir = try InteropEnvironment.temporaryDirectory(name)
            ownsDataDir = true
        }
        var arguments = ["--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", self.dataDir.path]
        for addr in connect { arguments += ["--connect", addr] }
        if enablePerf { arguments.append("--enable-perf") }
        if !mdns { arguments.append("--no-mdns") }
        arguments.append("--no-nat-pmp")   // hermetic: never ask the test machine's router (NATPMPServiceTests use a fake one)
        // Hermetic unless a test is about the DHT: no public bootstrap peers (CI may have Internet).
        if !extraArguments.contains("--bootstrap") && !extraArguments.contains("--dht-server") && !dht {
            arguments.append("--no-dht")
        }
        arguments += extraArguments
        let binary = try InteropEnvironment.requireBinary()
        process = try LineProcess(wrapper.first ?? binary, wrapper.dropFirst() + (wrapper.isEmpty ? [] : [binary]) + arguments, name: name,
                                  environment: ChatNode.childEnvironment(self.dataDir))
        process.logFile = self.dataDir.appendingPathComponent("p2p-chat.log")
        ready = try process.waitFor(event: "ready", timeout: readyTimeout)
    }

    /// Keeps a test's node away from the user's own data and terminal settings.
    static func childEnvironment(_ dataDir: URL) -> [String: String] {
        ["XDG_DATA_HOME": dataDir.appendingPathComponent("xdg").path, "TERM": "dumb", "NO_COLOR": "1"]
    }

    func send(_ line: String) throws { try process.send(line) }

    @discardableResult
    func waitFor(_ event: String, timeout: Double = 30,
                 where predicate: ([String: Any]) -> Bool = { _ in true }) throws -> [String: Any] {
        try process.waitFor(event: event, where: predicate, timeout: timeout)
    }

    deinit {
        process.terminate()
        if ownsDataDir { try? FileManager.default.removeItem(at: dataDir) }
    }
}

/// `Tests/Interop/py/py_peer.py`: a py-libp2p 0.8.1 host with a fixed Ed25519 identity.
final class PyPeer {
    let process: LineProcess
    let ready: [String: Any]
    var peer: String { ready.string("peer") ?? "" }
    var addrs: [String] { ready.strings("addrs") }
    var loopbackAddr: String { addrs.first { $0.hasPrefix("/ip4/127.0.0.1/") } ?? addrs.first ?? "" }

    init(seed: String, name: String = "py-libp2p", timeout: Double = 120, extraArguments: [String] = []) throws {
        let python = try InteropEnvironment.requirePython()
        process = try LineProcess(python, [InteropEnvironment.pyPeerScript, "--seed", seed,
                                           "--timeout", String(timeout)] + extraArguments,
                                  name: name, environment: ["PYTHONUNBUFFERED": "1"])
        ready = try process.waitFor(event: "ready", timeout: 90)
    }

    func send(_ line: String) throws { try process.send(line) }

    @discardableResult
    func waitFor(_ event: String, timeout: Double = 30,
                 where predicate: ([String: Any]) -> Bool = { _ in true }) throws -> [String: Any] {
        try process.waitFor(event: event, where: predicate, timeout: timeout)
    }

    deinit { process.terminate() }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func strings(_ key: String) -> [String] { (self[key] as? [Any])?.compactMap { $0 as? String } ?? [] }
    func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue ?? (self[key] as? Bool) }
    func objects(_ key: String) -> [[String: Any]] { (self[key] as? [Any])?.compactMap { $0 as? [String: Any] } ?? [] }
}
