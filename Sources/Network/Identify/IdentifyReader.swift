/// Reads one identify response or push from a stream: feed it every byte the stream delivers in any
/// chunking, then call `finish()` at EOF to get the merged `IdentifyInfo`.
///
/// Each message is decoded as soon as it is complete, so at most one partial message (≤ 8 KiB plus its
/// length prefix) is buffered between calls. Errors are final: reset the stream.
public struct IdentifyReader: Sendable {
    /// Messages decoded so far.
    public private(set) var messageCount = 0
    /// Listen/observed addresses dropped because they didn't parse (worth a debug log line).
    public private(set) var skippedAddresses = 0

    private var decoder = LengthPrefixedDecoder(maxFrameLength: Identify.maxMessageSize)
    private var merged: IdentifyInfo?

    public init() {}

    /// Consumes stream bytes, decoding every message they complete.
    public mutating func feed<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        guard !bytes.isEmpty else { return }
        guard messageCount < Identify.maxMessages else {
            throw IdentifyError.tooManyMessages(limit: Identify.maxMessages)
        }
        decoder.feed(bytes)
        while let body = try nextFrame() {
            let (info, skipped) = try Identify.decodeCounting(body)
            merged = merged.map { $0.merging(continuation: info) } ?? info
            skippedAddresses += skipped
            messageCount += 1
            if messageCount == Identify.maxMessages && !decoder.buffered.isEmpty {
                throw IdentifyError.tooManyMessages(limit: Identify.maxMessages)
            }
        }
    }

    /// Call at EOF: the merge of every message received.
    public func finish() throws -> IdentifyInfo {
        guard decoder.buffered.isEmpty else {
            throw IdentifyError.truncatedMessage(bufferedBytes: decoder.buffered.count)
        }
        guard let merged else { throw IdentifyError.noMessage }
        return merged
    }

    private mutating func nextFrame() throws -> [UInt8]? {
        do {
            return try decoder.next()
        } catch LengthPrefixed.DecodeError.badLength(let e) {
            throw IdentifyError.badLength(e)
        } catch LengthPrefixed.DecodeError.frameTooLarge(let length, let limit) {
            throw IdentifyError.messageTooLarge(length: length, limit: limit)
        }
    }
}
