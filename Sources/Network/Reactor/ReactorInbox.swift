#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Values other threads hand to the reactor thread — a blocking name lookup's answer, say.
///
///     any thread ── post(value) ──► [ Mutex<[Value]> ] ──(queue was empty: one byte)──► [ pipe ]
///                                                                                          │ .read
///     reactor thread ◄── deliver(value), for each, in the order posted ◄── drain ◄──────────┘
///
/// `post` is safe from any thread and never blocks on the reactor. A byte is written only when the queue was
/// empty, so the pipe holds at most one byte per drain and never fills. The pipe's two ends are closed
/// together when the last reference goes (a thread that still posts keeps the inbox alive), so a late `post`
/// never writes into a closed or reused descriptor.
public final class ReactorInbox<Value: Sendable>: @unchecked Sendable {
    private let queue = Mutex<[Value]>([])
    private let readFD: Int32
    private let writeFD: Int32
    /// Reactor thread only.
    private var watch: (reactor: Reactor, id: WatchID)?

    public init() throws {
        (readFD, writeFD) = try FileDescriptor.pipe()
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Queues `value` for the reactor thread (any thread).
    public func post(_ value: Value) {
        let wasEmpty = queue.withLock { values in
            defer { values.append(value) }
            return values.isEmpty
        }
        guard wasEmpty else { return }   // the poster that found it empty wrote the byte
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)     // nonblocking; a full pipe already means "wake up"
    }

    /// Starts delivering posted values to `deliver` on `reactor`'s thread (reactor thread).
    public func attach(to reactor: Reactor, _ deliver: @escaping (Value) -> Void) {
        detach()
        let id = reactor.watch(readFD, .read) { [weak self] _ in
            guard let self else { return }
            self.drainPipe()
            for value in self.queue.withLock({ values in defer { values.removeAll() }; return values }) {
                deliver(value)
            }
        }
        watch = (reactor, id)
    }

    /// Stops delivering; values posted later wait in the queue (reactor thread).
    public func detach() {
        if let watch { watch.reactor.unwatch(watch.id) }
        watch = nil
    }

    private func drainPipe() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(readFD, $0.baseAddress, $0.count) }) > 0 {}
    }
}
