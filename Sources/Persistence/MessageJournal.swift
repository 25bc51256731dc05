#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shown lines not yet in SQLite: `chat.sqlite-pending`, an append-only file beside the database.
///
/// Storing a line before it is shown used to be an SQLite commit on the reactor thread: five B-tree pages
/// (the row, two indexes, the search queue) as ten `pwrite`s, plus six `fcntl` locks — ~0.2 ms on a cold
/// CPU, on the path of every received message. Now it is one `write(2)` of the line here (in the kernel's
/// page cache when `append` returns, so it survives the process being killed, as a WAL commit does), and
/// `MessageStore.flushJournal` moves the lines into SQLite in one transaction later: from a timer, when
/// `flushThreshold` lines wait, before every read, at close, and at the next open after a crash.
///
/// A record:
///
///     ┌─────────────┬─────────────┬──────────────────────────────────────────────┐
///     │ length u32  │ crc32 u32   │ body: `length` bytes                          │  little-endian
///     └─────────────┴─────────────┴──────────────────────────────────────────────┘
///     body: sent_at i64 · received_at i64 · then six fields, each u32 length + bytes:
///           room · message_id · author · username · content · kind
///
/// Only the tail can be torn (one `write` per record, `O_APPEND`): reading stops at the first record that
/// is short, over `maxRecordBytes` or fails its CRC, and counts the bytes it dropped.
final class MessageJournal {
    /// Lines held before `MessageStore.append` moves them into SQLite itself.
    static let flushThreshold = 64
    /// The largest body read back: far above a 16 KiB chat line, far below anything that hurts.
    static let maxRecordBytes = 1 << 20
    static let headerBytes = 8

    let path: String
    private let fd: Int32
    /// The lines in the file, in order (a flush inserts these and empties the file).
    private(set) var pending: [MessageRecord] = []
    /// One buffer for every record written.
    private var buffer: [UInt8] = []

    /// Opens (creating, 0600) the file; `recovered` are the lines a previous run left in it.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError.journal(path: path, operation: "open", errno: errno) }
    }

    deinit { close(fd) }

    /// What a previous run left: its lines, and the bytes of a torn or damaged tail that were dropped.
    func recover() throws -> (records: [MessageRecord], droppedBytes: Int) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.journal(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            offset += off_t(n)
        }
        return Self.decode(bytes)
    }

    /// Writes `record` (one `write(2)`) and holds it until the next flush.
    func append(_ record: MessageRecord) throws {
        buffer.removeAll(keepingCapacity: true)
        Self.encode(record, into: &buffer)
        try buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    let e = errno
                    // Cut a partial record off again, so the file ends on a record boundary.
                    if done > 0, let size = try? fileSize() { _ = ftruncate(fd, size - off_t(done)) }
                    throw StoreError.journal(path: path, operation: "write", errno: e)
                }
                done += n
            }
        }
        pending.append(record)
    }

    /// Empties the file and the held lines (after they were committed to SQLite).
    func reset() throws {
        guard ftruncate(fd, 0) == 0 else { throw StoreError.journal(path: path, operation: "truncate", errno: errno) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Drops the held lines but not the file (see `MessageStore.abandonJournal`).
    func abandon() { pending.removeAll() }

    private func fileSize() throws -> off_t {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.journal(path: path, operation: "stat", errno: errno) }
        return st.st_size
    }

    // MARK: Encoding

    static func encode(_ r: MessageRecord, into out: inout [UInt8]) {
        let start = out.count
        out += [UInt8](repeating: 0, count: headerBytes)
        put64(UInt64(bitPattern: r.sentAt), &out)
        put64(UInt64(bitPattern: r.receivedAt), &out)
        for field in [Array(r.room.utf8), r.messageID, Array(r.author.utf8), Array(r.username.utf8),
                      Array(r.content.utf8), Array(r.kind.utf8)] {
            put32(UInt32(field.count), &out)
            out += field
        }
        let body = out[(start + headerBytes)...]
        set32(UInt32(body.count), &out, at: start)
        set32(CRC32.checksum(body), &out, at: start + 4)
    }

    static func decode(_ bytes: [UInt8]) -> (records: [MessageRecord], droppedBytes: Int) {
        var records: [MessageRecord] = []
        var at = 0
        while bytes.count - at >= headerBytes {
            let length = Int(get32(bytes, at)), crc = get32(bytes, at + 4)
            let bodyStart = at + headerBytes
            guard length <= maxRecordBytes, bytes.count - bodyStart >= length else { break }
            let body = bytes[bodyStart..<(bodyStart + length)]
            guard CRC32.checksum(body) == crc, let record = record(body) else { break }
            records.append(record)
            at = bodyStart + length
        }
        return (records, bytes.count - at)
    }

    private static func record(_ body: ArraySlice<UInt8>) -> MessageRecord? {
        var at = body.startIndex
        guard body.endIndex - at >= 16 else { return nil }
        let sentAt = Int64(bitPattern: get64(body, at)), receivedAt = Int64(bitPattern: get64(body, at + 8))
        at += 16
        var fields: [[UInt8]] = []
        for _ in 0..<6 {
            guard body.endIndex - at >= 4 else { return nil }
            let n = Int(get32(body, at))
            at += 4
            guard body.endIndex - at >= n else { return nil }
            fields.append(Array(body[at..<(at + n)]))
            at += n
        }
        guard at == body.endIndex else { return nil }
        func text(_ i: Int) -> String? { String(validating: fields[i], as: UTF8.self) }
        guard let room = text(0), let author = text(2), let username = text(3), let content = text(4),
              let kind = text(5) else { return nil }
        return MessageRecord(room: room, messageID: fields[1], author: author, username: username,
                             content: content, kind: kind, sentAt: sentAt, receivedAt: receivedAt)
    }

    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    private static func put64(_ v: UInt64, _ out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    private static func set32(_ v: UInt32, _ out: inout [UInt8], at: Int) {
        for i in 0..<4 { out[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }

    private static func get32<C: RandomAccessCollection>(_ b: C, _ at: C.Index) -> UInt32 where C.Element == UInt8, C.Index == Int {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * $1) }
    }

    private static func get64<C: RandomAccessCollection>(_ b: C, _ at: C.Index) -> UInt64 where C.Element == UInt8, C.Index == Int {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * $1) }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`): the journal's check against a torn or damaged record.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        ~bytes.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }
}
