/// The client's side of perf: sends the size it wants back, uploads `uploadSize` bytes, closes its write
/// side, then counts the download until the server's EOF.
///
/// Host loop: while the stream can take more, `pollTransmit()` and write `.data` / half-close on
/// `.closeWrite`; feed received bytes to `receive(_:)`; at EOF call `receiveEOF(now:)` for the result.
public struct PerfClient: Sendable {
    public let uploadSize: UInt64
    public let downloadSize: UInt64
    /// Upload bytes handed out so far (not counting the 8-byte header).
    public var uploaded: UInt64 { uploadSize - filler.remaining }
    public private(set) var downloaded: UInt64 = 0
    public private(set) var result: PerfResult?

    private let startedAt: Instant
    private var filler: PerfFiller
    private var headerSent = false
    private var writeClosed = false

    public init(uploadSize: UInt64, downloadSize: UInt64, now: Instant, chunkSize: Int = Perf.chunkSize) {
        self.uploadSize = uploadSize
        self.downloadSize = downloadSize
        startedAt = now
        filler = PerfFiller(total: uploadSize, chunkSize: chunkSize)
    }

    /// Whether the download completed at EOF.
    public var isComplete: Bool { result != nil }

    /// The next thing to write: the header, upload chunks, then `.closeWrite` once; nil afterwards.
    public mutating func pollTransmit() -> PerfOutput? {
        if !headerSent {
            headerSent = true
            return .data((0..<Perf.headerLength).map { UInt8(truncatingIfNeeded: downloadSize >> (56 - 8 * $0)) })
        }
        if let chunk = filler.next() { return .data(chunk) }
        guard !writeClosed else { return nil }
        writeClosed = true
        return .closeWrite
    }

    /// Counts downloaded bytes.
    public mutating func receive<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        guard result == nil else { throw PerfError.dataAfterEOF(count: bytes.count) }
        downloaded += UInt64(bytes.count)
        guard downloaded <= downloadSize else {
            throw PerfError.excessDownload(expected: downloadSize, received: downloaded)
        }
    }

    /// The server closed its side: the run is over.
    public mutating func receiveEOF(now: Instant) throws -> PerfResult {
        guard downloaded == downloadSize else {
            throw PerfError.shortDownload(expected: downloadSize, received: downloaded)
        }
        let done = PerfResult(uploaded: uploaded, downloaded: downloaded, elapsed: now - startedAt)
        result = done
        return done
    }
}
