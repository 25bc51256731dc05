#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A secret kept in one file readable only by its owner (mode 0600), created once and reused,
/// so a node keeps its identity across restarts.
///
/// The file is written to a temporary name, fsynced and renamed, so a crash never leaves a half key.
public enum KeyFile {
    public enum KeyFileError: Error, CustomStringConvertible, Equatable {
        case cannotCreateDirectory(path: String, errno: Int32)
        case cannotRead(path: String, errno: Int32)
        case cannotWrite(path: String, errno: Int32)
        case tooPermissive(path: String, mode: UInt32)
        case empty(path: String)

        public var description: String {
            switch self {
            case .cannotCreateDirectory(let p, let e): return "cannot create directory \(p): \(String(cString: strerror(e)))"
            case .cannotRead(let p, let e): return "cannot read \(p): \(String(cString: strerror(e)))"
            case .cannotWrite(let p, let e): return "cannot write \(p): \(String(cString: strerror(e)))"
            case .tooPermissive(let p, let m):
                return "\(p) is readable by others (mode \(String(m, radix: 8))); run chmod 600 \(p)"
            case .empty(let p): return "\(p) is empty; remove it to create a new identity"
            }
        }
    }

    /// Largest file we read: a key envelope is ~70 bytes.
    public static let maxLength = 4096

    /// Returns the file's bytes, creating it with `generate()` when it does not exist.
    public static func loadOrCreate(at path: String, generate: () -> [UInt8]) throws -> [UInt8] {
        if let existing = try read(path) { return existing }
        let bytes = generate()
        try write(bytes, to: path)
        return bytes
    }

    /// Creates `path` and its parents with mode 0700 when missing.
    public static func ensureDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw KeyFileError.cannotCreateDirectory(path: prefix, errno: errno)
            }
        }
    }

    static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw KeyFileError.cannotRead(path: path, errno: errno)
        }
        defer { _ = closeFD(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw KeyFileError.cannotRead(path: path, errno: errno) }
        if info.st_mode & 0o077 != 0 { throw KeyFileError.tooPermissive(path: path, mode: UInt32(info.st_mode & 0o777)) }
        var buffer = [UInt8](repeating: 0, count: maxLength)
        let n = buffer.withUnsafeMutableBytes { readFD(fd, $0.baseAddress, maxLength) }
        guard n >= 0 else { throw KeyFileError.cannotRead(path: path, errno: errno) }
        guard n > 0 else { throw KeyFileError.empty(path: path) }
        return Array(buffer[0..<n])
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeyFileError.cannotWrite(path: temporary, errno: errno) }
        let written = bytes.withUnsafeBytes { writeFD(fd, $0.baseAddress, bytes.count) }
        let synced = fsync(fd) == 0
        _ = closeFD(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw KeyFileError.cannotWrite(path: path, errno: e)
        }
    }
}

// The module's own `close`/`read`/`write` names shadow libc's inside the enum; these reach libc.
private func closeFD(_ fd: Int32) -> Int32 { close(fd) }
private func readFD(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, buf, n) }
private func writeFD(_ fd: Int32, _ buf: UnsafeRawPointer?, _ n: Int) -> Int { write(fd, buf, n) }
