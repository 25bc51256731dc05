import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The container image is `FROM scratch` plus the tree `scripts/rootfs.sh` builds (Dockerfile, `make rootfs`).
/// No Docker engine runs here, so this builds that tree for the binary under test and runs p2p-chat inside it
/// with `chroot`, in a mount namespace with `/proc` (as Docker gives): if a library, the loader, a terminal
/// description, a time zone or a writable `/data` were missing, the image would fail the same way.
@Suite("container root file system", .serialized,
       .enabled(if: MountNamespace.available, "needs root, chroot and a mount namespace (unshare --mount)"))
struct ImageRootfsTests {
    /// `scripts/rootfs.sh BINARY DIR`, in a fresh temporary directory.
    func buildRootfs(_ label: String) throws -> URL {
        let dir = try InteropEnvironment.temporaryDirectory(label).appendingPathComponent("rootfs")
        let script = Process()
        script.executableURL = InteropEnvironment.repoRoot.appendingPathComponent("scripts/rootfs.sh")
        script.arguments = [try InteropEnvironment.requireBinary(), dir.path]
        let output = Pipe()
        script.standardOutput = output
        script.standardError = output
        try script.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0, "\(text)")
        // What the Dockerfile's second COPY adds: /data, 0700, owned by the chat user.
        let data = dir.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        #expect(chown(data, 10001, 10001) == 0)
        return dir
    }

    /// `p2p-chat ARGS` as the image's `chat` user inside `rootfs`, with `/proc` mounted.
    func inside(_ rootfs: URL, _ arguments: [String]) -> [String] {
        ["/usr/bin/unshare", "--mount", "--propagation", "private", "--fork", "/bin/sh", "-c",
         "mkdir -p \"$0/proc\" && mount -t proc proc \"$0/proc\" && exec chroot --userspec=10001:10001 \"$0\" \"$@\"",
         rootfs.path, "/usr/local/bin/p2p-chat"] + arguments
    }

    @Test("headless inside the tree: ready, a message stored in /data as the chat user, a clean quit")
    func headless() throws {
        let rootfs = try buildRootfs("rootfs-headless")
        defer { try? FileManager.default.removeItem(at: rootfs.deletingLastPathComponent()) }
        let command = inside(rootfs, ["--headless", "--data-dir", "/data", "--no-mdns", "--room", "image-room"])
        let node = try LineProcess(command[0], Array(command.dropFirst()), name: "p2p-chat-in-rootfs")
        let ready = try node.waitFor(event: "ready")
        #expect(ready.string("room") == "image-room")
        try node.send("hello from the image")
        let own = try node.waitFor(event: "message") { $0.string("content") == "hello from the image" }
        #expect(own.string("type") == "message")
        try node.send("/quit")
        #expect(try node.waitForExit(timeout: 15) == 0)

        let key = rootfs.appendingPathComponent("data/identity.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect(attributes[.ownerAccountID] as? Int == 10001, "written by the image's chat user")
        #expect(FileManager.default.fileExists(atPath: rootfs.appendingPathComponent("data/chat.sqlite").path))
    }

    @Test("full screen inside the tree: terminfo found, the room shown, /quit exits 0", .timeLimit(.minutes(1)),
          .enabled(if: TmuxTerminal.isAvailable, TmuxTerminal.skipReason))
    func fullScreen() throws {
        let rootfs = try buildRootfs("rootfs-screen")
        defer { try? FileManager.default.removeItem(at: rootfs.deletingLastPathComponent()) }
        let terminal = try TmuxTerminal(inside(rootfs, ["--data-dir", "/data", "--no-mdns", "--room", "image-screen"]),
                                        environment: ["TERM": "xterm-256color", "TZ": "Asia/Kolkata", "LANG": "C.UTF-8"])
        defer { terminal.close() }
        let started = Date()
        try terminal.waitFor(text: "[1:image-screen]")   // the full screen's room list, not the headless fallback
        let screen = try terminal.waitFor(text: "joined")
        #expect(!screen.contains("no usable terminal") && !screen.contains("\"event\""), "\(screen)")
        // Our join's time in Kolkata (+05:30): the zone came from the tree's zoneinfo, not UTC.
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm"
        clock.timeZone = TimeZone(identifier: "Asia/Kolkata")
        let times = Set([started.addingTimeInterval(-60), started, Date()].map(clock.string(from:)))
        #expect(times.contains { screen.contains($0 + " ") }, "one of \(times) on:\n\(screen)")
        try terminal.type("/quit")
        try terminal.press("Enter")
        #expect(try terminal.waitForExit().status == 0)
    }
}

/// Whether this test can build a container-like root: root, chroot, and a mount namespace the kernel lets us
/// make (a container without CAP_SYS_ADMIN does not).
enum MountNamespace {
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/chroot") else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["--mount", "--propagation", "private", "--fork", "/bin/sh", "-c", "mount -t proc proc /proc"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()
}
