#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every way the store can fail, with what the user needs to act on it (the path, the SQLite reason).
///
/// The App maps them to exit codes at start (`lockedByAnotherProcess` → 75, the open failures → 74) and to
/// one `error` event at run time (`write`, e.g. a full disk).
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// Another process holds the data directory's lock file (`pid` when it wrote one).
    case lockedByAnotherProcess(lockPath: String, pid: Int32?)
    /// The lock file cannot be created or locked (permissions, read-only file system).
    case cannotLock(lockPath: String, errno: Int32)
    /// The file exists but is not an SQLite database, or SQLite found it damaged.
    case corrupt(path: String, reason: String)
    /// The file cannot be opened or read (permissions, I/O error).
    case cannotOpen(path: String, reason: String)
    /// The database was migrated by a newer p2p-chat (migrations we do not know were applied).
    case newerSchema(path: String, unknownMigrations: [String])
    /// A statement failed after opening; `code` is SQLite's primary result code (13 = SQLITE_FULL).
    case sqlite(operation: String, code: Int32, message: String)
    /// The pending-lines file beside the database (`MessageJournal`) failed: ENOSPC, EIO, permissions.
    case journal(path: String, operation: String, errno: Int32)

    /// SQLITE_FULL: the disk (or the file-size limit) is full.
    public var isDiskFull: Bool {
        switch self {
        case .sqlite(_, let code, _): return code == 13
        case .journal(_, _, let e): return e == ENOSPC || e == EFBIG || e == EDQUOT
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .lockedByAnotherProcess(let path, let pid):
            let owner = pid.map { " (pid \($0))" } ?? ""
            return "another p2p-chat\(owner) is using this data directory (lock \(path)); quit it, or pick another --data-dir"
        case .cannotLock(let path, let e):
            return "cannot lock \(path): \(String(cString: strerror(e)))"
        case .corrupt(let path, let reason):
            return "the message store \(path) is damaged or not a database (\(reason)); "
                + "move it away (mv \(path) \(path).bad) to start with an empty history"
        case .cannotOpen(let path, let reason):
            return "cannot open the message store \(path) (\(reason)); check its permissions and the disk"
        case .newerSchema(let path, let unknown):
            return "the message store \(path) was written by a newer p2p-chat (migrations \(unknown.joined(separator: ", "))); "
                + "use that version, or move the file away"
        case .sqlite(let operation, let code, let message):
            return "store: \(operation) failed: \(message) (SQLite code \(code))"
        case .journal(let path, let operation, let e):
            return "store: \(operation) \(path) failed: \(String(cString: strerror(e)))"
        }
    }
}
