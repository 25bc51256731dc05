/// The perf protocol (`/perf/1.0.0`, specs `perf/perf.md`): measures throughput over one stream.
///
///     client → server   +------------------------+---------------------------+-----+
///                       | u64 BE: bytes to send  | upload bytes (any content) | EOF |
///                       +------------------------+---------------------------+-----+
///     server → client   (after the client's EOF) +----------------------------+-----+
///                                                | that many bytes            | EOF |
///                                                +----------------------------+-----+
///
/// `PerfClient` and `PerfServer` are sans-IO: the Host asks them for the next chunk only when the stream
/// can take more (yamux back-pressure), so a transfer of any size uses one chunk of memory.
///
/// There is deliberately **no cap** on the download size a client may request: the server sends whatever
/// is asked (up to 2^64−1 bytes), as the spec and other implementations do. That is why the Host serves
/// perf only when started with `--enable-perf`, and never advertises it otherwise.
public enum Perf {
    public static let protocolID = "/perf/1.0.0"
    /// Size of the chunks both sides produce.
    public static let chunkSize = 64 * 1024
    /// The u64 big-endian size header.
    public static let headerLength = 8
}

/// What a perf machine wants the Host to do next on the stream.
public enum PerfOutput: Equatable, Sendable {
    case data([UInt8])
    case closeWrite
}

/// Errors from either side of perf.
public enum PerfError: Error, Equatable, Sendable {
    case truncatedHeader(received: Int)                      // server: EOF before the 8-byte size
    case excessDownload(expected: UInt64, received: UInt64)  // client: the server sent more than asked
    case shortDownload(expected: UInt64, received: UInt64)   // client: EOF before everything arrived
    case dataAfterEOF(count: Int)                            // bytes fed after `receiveEOF`
}

/// A finished client run.
public struct PerfResult: Equatable, Sendable {
    public var uploaded: UInt64
    public var downloaded: UInt64
    public var elapsed: Duration

    /// Total bytes moved (both directions) per second.
    public var bytesPerSecond: Double {
        let seconds = Double(elapsed.nanosecondsClamped) / 1e9
        return seconds > 0 ? Double(uploaded + downloaded) / seconds : 0
    }
}

/// Produces `total` bytes of zeros in chunks, sharing one buffer (copy-on-write means a full chunk costs
/// no allocation).
struct PerfFiller: Sendable {
    private let zeros: [UInt8]
    private(set) var remaining: UInt64

    init(total: UInt64, chunkSize: Int) {
        precondition(chunkSize > 0, "perf chunk size must be positive")
        zeros = [UInt8](repeating: 0, count: chunkSize)
        remaining = total
    }

    mutating func next() -> [UInt8]? {
        guard remaining > 0 else { return nil }
        let n = Int(min(remaining, UInt64(zeros.count)))
        remaining -= UInt64(n)
        return n == zeros.count ? zeros : Array(zeros.prefix(n))
    }
}
