#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock(2)` on `<data-dir>/lock`, held until `release()` or the process ends.
///
/// Only one p2p-chat may use a data directory: two writers would share the identity (the peers would see one
/// PeerID flapping between two connections) and interleave their history. The kernel drops the lock when the
/// process dies, even by SIGKILL, so a stale lock file never blocks a restart. Our pid is written into the
/// file only to name the other process in the error message.
public final class DirectoryLock {
    public let path: String
    private var fd: Int32

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError.cannotLock(lockPath: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            let pid = Self.readPID(fd)
            _ = closeFD(fd)
            if e == EWOULDBLOCK { throw StoreError.lockedByAnotherProcess(lockPath: path, pid: pid) }
            throw StoreError.cannotLock(lockPath: path, errno: e)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { release() }

    /// Unlocks and closes the file (left in place: removing it would race with a starting process).
    public func release() {
        guard fd >= 0 else { return }
        _ = closeFD(fd)
        fd = -1
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let digits = buffer[0..<n].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int32(String(decoding: digits, as: UTF8.self))
    }
}

private func closeFD(_ fd: Int32) -> Int32 { close(fd) }
