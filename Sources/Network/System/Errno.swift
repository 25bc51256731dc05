#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: the C `errno` value, plus which call failed (for the log line).
///
/// Equality and hashing look at `code` only, so `catch let e as Errno where e == .connectionRefused`
/// works whatever call produced it; `call` is context for humans.
///
///     print(error)   // connect: ECONNREFUSED (Connection refused)
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw `errno` value.
    public let code: Int32
    /// The libc call that failed (`"connect"`, `"recv"`), or `""` when not known.
    public let call: String

    public init(_ code: Int32, call: String = "") {
        self.code = code
        self.call = call
    }

    /// The calling thread's current `errno`, attributed to `call`.
    public static func current(call: String) -> Errno { Errno(errno, call: call) }

    /// The symbolic name (`"ECONNREFUSED"`), or `"errno 123"` for codes outside the table.
    public var name: String { Errno.names[code] ?? "errno \(code)" }

    /// The C library's message for this code (`strerror`).
    public var message: String { String(cString: strerror(code)) }

    public var description: String {
        let what = "\(name) (\(message))"
        return call.isEmpty ? what : "\(call): \(what)"
    }

    public static func == (a: Errno, b: Errno) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension Errno {
    public static let interrupted = Errno(EINTR)
    public static let wouldBlock = Errno(EAGAIN)
    public static let inProgress = Errno(EINPROGRESS)
    public static let badFileDescriptor = Errno(EBADF)
    public static let invalidArgument = Errno(EINVAL)
    public static let brokenPipe = Errno(EPIPE)
    public static let connectionRefused = Errno(ECONNREFUSED)
    public static let connectionReset = Errno(ECONNRESET)
    public static let connectionAborted = Errno(ECONNABORTED)
    public static let notConnected = Errno(ENOTCONN)
    public static let timedOut = Errno(ETIMEDOUT)
    public static let addressInUse = Errno(EADDRINUSE)
    public static let addressNotAvailable = Errno(EADDRNOTAVAIL)
    public static let networkUnreachable = Errno(ENETUNREACH)
    public static let hostUnreachable = Errno(EHOSTUNREACH)
    public static let tooManyOpenFiles = Errno(EMFILE)
    public static let tooManyOpenFilesInSystem = Errno(ENFILE)

    /// Symbolic names of the codes a networking program meets. Built by a loop, not a dictionary
    /// literal, because aliases (EWOULDBLOCK = EAGAIN) share a value on some platforms.
    private static let names: [Int32: String] = {
        let list: [(Int32, String)] = [
            (EPERM, "EPERM"), (ENOENT, "ENOENT"), (EINTR, "EINTR"), (EIO, "EIO"), (EBADF, "EBADF"),
            (EAGAIN, "EAGAIN"), (EWOULDBLOCK, "EWOULDBLOCK"), (ENOMEM, "ENOMEM"), (EACCES, "EACCES"),
            (EFAULT, "EFAULT"), (EBUSY, "EBUSY"), (EEXIST, "EEXIST"), (EINVAL, "EINVAL"),
            (ENFILE, "ENFILE"), (EMFILE, "EMFILE"), (ENOSPC, "ENOSPC"), (EPIPE, "EPIPE"),
            (ENOTSOCK, "ENOTSOCK"), (EMSGSIZE, "EMSGSIZE"), (ENOPROTOOPT, "ENOPROTOOPT"),
            (EPROTONOSUPPORT, "EPROTONOSUPPORT"), (EOPNOTSUPP, "EOPNOTSUPP"),
            (EAFNOSUPPORT, "EAFNOSUPPORT"), (EADDRINUSE, "EADDRINUSE"), (EADDRNOTAVAIL, "EADDRNOTAVAIL"),
            (ENETDOWN, "ENETDOWN"), (ENETUNREACH, "ENETUNREACH"), (ENETRESET, "ENETRESET"),
            (ECONNABORTED, "ECONNABORTED"), (ECONNRESET, "ECONNRESET"), (ENOBUFS, "ENOBUFS"),
            (EISCONN, "EISCONN"), (ENOTCONN, "ENOTCONN"), (ESHUTDOWN, "ESHUTDOWN"),
            (ETIMEDOUT, "ETIMEDOUT"), (ECONNREFUSED, "ECONNREFUSED"), (EHOSTDOWN, "EHOSTDOWN"),
            (EHOSTUNREACH, "EHOSTUNREACH"), (EALREADY, "EALREADY"), (EINPROGRESS, "EINPROGRESS"),
            (EPROTO, "EPROTO"),
        ]
        var table: [Int32: String] = [:]
        for (code, name) in list where table[code] == nil { table[code] = name }
        return table
    }()
}
