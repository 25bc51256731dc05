#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with one condition variable (pthreads), for the checkpoint thread and whoever waits on it.
/// Timed waits run on `CLOCK_MONOTONIC` where the platform allows, so a wall-clock jump cannot stretch them.
final class ConditionLock {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (locked) for a broadcast.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (locked) for a broadcast or until `deadline` (`ConditionLock.now()` seconds); false on timeout.
    func wait(until deadline: Double) -> Bool {
        var time = timespec(tv_sec: Int(deadline), tv_nsec: Int((deadline - deadline.rounded(.down)) * 1e9))
        #if !os(Linux)
        let shift = Self.realtimeOffset()
        time = timespec(tv_sec: Int(deadline + shift), tv_nsec: Int(((deadline + shift) - (deadline + shift).rounded(.down)) * 1e9))
        #endif
        return pthread_cond_timedwait(condition, mutex, &time) == 0
    }

    /// The clock timed waits use, in seconds.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    #if !os(Linux)
    private static func realtimeOffset() -> Double {
        var real = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        return Double(real.tv_sec) + Double(real.tv_nsec) / 1e9 - now()
    }
    #endif
}

/// Runs `body` on a new detached thread (pthreads).
func spawnThread(_ body: @escaping () -> Void) {
    final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    if rc == 0 { pthread_detach(thread) } else { Unmanaged<Box>.fromOpaque(context).release() }
}
