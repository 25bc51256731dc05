/// The server's side of perf: reads the requested size, discards the upload until EOF, then sends that
/// many bytes and closes. Nothing is sent before the client's EOF.
///
/// Host loop: feed received bytes to `receive(_:)`, call `receiveEOF()` at EOF, and while the stream can
/// take more, `pollTransmit()` and write `.data` / half-close on `.closeWrite`.
public struct PerfServer: Sendable {
    /// The size the client asked for, once its header has arrived.
    public private(set) var requested: UInt64?
    /// Upload bytes received and discarded (not counting the header).
    public private(set) var received: UInt64 = 0
    /// Download bytes handed out so far.
    public private(set) var sent: UInt64 = 0

    private let chunkSize: Int
    private var header: [UInt8] = []
    private var inputClosed = false
    private var filler: PerfFiller?
    private var writeClosed = false

    public init(chunkSize: Int = Perf.chunkSize) { self.chunkSize = chunkSize }

    /// Whether every requested byte was handed out and the close requested.
    public var isComplete: Bool { writeClosed }

    /// Consumes upload bytes (the first 8 are the size header).
    public mutating func receive<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        guard !inputClosed else { throw PerfError.dataAfterEOF(count: bytes.count) }
        var rest = bytes[...]
        if requested == nil {
            let take = Perf.headerLength - header.count
            header.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if header.count == Perf.headerLength {
                requested = header.reduce(0) { $0 << 8 | UInt64($1) }
            }
        }
        received += UInt64(rest.count)
    }

    /// The client finished uploading: start sending.
    public mutating func receiveEOF() throws {
        guard !inputClosed else { return }
        guard let requested else { throw PerfError.truncatedHeader(received: header.count) }
        inputClosed = true
        filler = PerfFiller(total: requested, chunkSize: chunkSize)
    }

    /// The next thing to write: download chunks, then `.closeWrite` once; nil before EOF and afterwards.
    public mutating func pollTransmit() -> PerfOutput? {
        guard filler != nil, !writeClosed else { return nil }
        if let chunk = filler!.next() {
            sent += UInt64(chunk.count)
            return .data(chunk)
        }
        writeClosed = true
        return .closeWrite
    }
}
