#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The self-pipe trick: turns asynchronous signals into bytes a `Reactor` can poll.
///
///     kernel ──SIGWINCH──► signalPipeHandler ──write(signo byte)──► [ pipe ] ──► readFD
///                          (async-signal-safe:                                  watched for .read;
///                           one write(2), errno kept)                           drain() → [SIGWINCH]
///
/// A signal handler may run at any instruction, so it does the only safe thing: writes one byte.
/// Everything else happens later, on the reactor thread, as an ordinary `.read` callback. Both ends
/// are nonblocking: if the pipe is ever full, further bytes are dropped, which only loses duplicates.
///
/// Signal dispositions are per process, so there is one pipe per process, owned by at most one
/// reactor at a time (the application's main loop).
final class SignalPipe {
    let readFD: Int32
    let writeFD: Int32
    /// The reactor currently receiving signals, if any.
    private(set) var owner: ObjectIdentifier?
    private var installed: Set<Int32> = []

    private init() throws {
        (readFD, writeFD) = try FileDescriptor.pipe()
        signalPipeWriteFD = writeFD
    }

    private static var instance: SignalPipe?

    /// The process's pipe, created on first use and owned by `owner` until `release(by:)`.
    static func claim(by owner: ObjectIdentifier) throws -> SignalPipe {
        let pipe = try instance ?? SignalPipe()
        instance = pipe
        if let current = pipe.owner, current != owner { throw ReactorError.signalsOwnedByAnotherReactor }
        pipe.owner = owner
        return pipe
    }

    /// Gives the pipe up: the signals it caught go back to their default action.
    func release(by owner: ObjectIdentifier) {
        guard self.owner == owner else { return }
        for signo in installed { _ = try? setHandler(signo, handler: nil) }
        installed.removeAll()
        _ = drain()
        self.owner = nil
    }

    /// Routes `signo` into the pipe (idempotent).
    func install(_ signo: Int32) throws {
        guard signo > 0, signo < 256 else { throw ReactorError.unsupportedSignal(signo) }
        if installed.contains(signo) { return }
        try setHandler(signo, handler: signalPipeHandler)
        installed.insert(signo)
    }

    /// Reads every pending byte: the signals caught since the last drain, each distinct signal once,
    /// in order of first arrival (five SIGWINCHes during one tick are one resize).
    func drain() -> [Int32] {
        var caught: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while case .bytes(let n)? = try? buffer.withUnsafeMutableBytes({ try FileDescriptor.read(readFD, into: $0) }) {
            for byte in buffer[0..<n] where !caught.contains(Int32(byte)) { caught.append(Int32(byte)) }
        }
        return caught
    }

    @discardableResult
    private func setHandler(_ signo: Int32, handler: (@convention(c) (Int32) -> Void)?) throws -> Int32 {
        var action = sigaction()
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handler ?? SIG_DFL
        #else
        action.__sigaction_handler.sa_handler = handler ?? SIG_DFL
        #endif
        return try Syscall.checked("sigaction") { sigaction(signo, &action, nil) }
    }
}

/// The write end, for the handler. Set once before any handler is installed, never changed after.
private nonisolated(unsafe) var signalPipeWriteFD: Int32 = -1

/// The C signal handler: one byte per signal, `errno` preserved for the interrupted code.
private func signalPipeHandler(_ signo: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signo)
    _ = write(signalPipeWriteFD, &byte, 1)
    errno = saved
}
