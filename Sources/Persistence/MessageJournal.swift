#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Shown lines not yet in SQLite: `chat.sqlite-pending`, a preallocated file beside the database.
///
/// Storing a line before it is shown used to be an SQLite commit on the reactor thread: five B-tree pages
/// (the row, two indexes, the search queue) as ten `pwrite`s, plus six `fcntl` locks — ~0.2 ms on a cold
/// CPU, on the path of every received message. Now it is one `pwrite(2)` of the line here (in the kernel's
/// page cache when `append` returns, so it survives the process being killed, as a WAL commit does), and
/// `MessageStore.flushJournal` moves the lines into SQLite in one transaction later: from a timer, when
/// `flushThreshold` lines wait, before every read, at close, and at the next open after a crash.
///
/// The file is written full of zeros once (`preallocatedBytes`) and never truncated, so an append overwrites
/// blocks the file already owns: no block allocation, no size change. On ext4, XFS and tmpfs (where such
/// blocks stay allocated, so a store into them cannot fail) the file is also mapped, and an append is a copy
/// into the page cache with no system call at all — `write(2)` cost 30–70 µs of a cold CPU per line, most
/// of it ext4 updating the file's times. Elsewhere (btrfs, overlayfs, …) it is one `pwrite(2)`. A flush
/// "empties" the journal by zeroing the first header; every append writes its record and a zero header
/// after it, so the records always end at a zero header and what lies beyond it (zeros, or stale records
/// of earlier batches) is never read. A mapped append writes the zero header after, then the body, then
/// the record's header: killed at any instant, the file ends before the record or after all of it.
///
///     ┌────────┬────────┬─────┬────────┬──────────────┬─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─┐
///     │ record │ record │ ... │ record │ 8 zero bytes │ zeros or stale records, unread  │
///     └────────┴────────┴─────┴────────┴──────────────┴─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─┘
///
/// A record:
///
///     ┌─────────────┬─────────────┬──────────────────────────────────────────────┐
///     │ length u32  │ crc32 u32   │ body: `length` bytes (length > 0)             │  little-endian
///     └─────────────┴─────────────┴──────────────────────────────────────────────┘
///     body: sent_at i64 · received_at i64 · then six fields, each u32 length + bytes:
///           room · message_id · author · username · content · kind
///
/// Only the last record can be torn (one write per record): reading stops at a zero header or the end of the
/// file; a record that is short, over `maxRecordBytes` or fails its CRC is dropped with everything after it.
final class MessageJournal {
    /// Lines held before `MessageStore.append` moves them into SQLite itself, when the write lock is free.
    static let flushThreshold = 64
    /// Lines held before `append` commits them even if that means waiting for the checkpoint thread's lock.
    static let flushLimit = 1024
    /// The largest body read back: far above a 16 KiB chat line, far below anything that hurts.
    static let maxRecordBytes = 1 << 20
    static let headerBytes = 8
    /// The zeros written when the file is created: room for a full batch of ordinary lines (a batch of long
    /// ones grows the file, once, and it keeps that size).
    static let preallocatedBytes = 256 << 10

    let path: String
    private let fd: Int32
    /// Where the next record goes: just after the held ones.
    private var end: off_t = 0
    /// The lines in the file, in order (a flush inserts these and empties the file).
    private(set) var pending: [MessageRecord] = []
    /// One buffer for every record written.
    private var buffer: [UInt8] = []
    /// Whether appends may go through a shared mapping of the file (see the type's comment).
    private let mayMap: Bool
    /// The file mapped from offset 0, once `reset` has preallocated it (nil: appends use `pwrite`).
    private var mapping: UnsafeMutableRawBufferPointer?

    /// Opens (creating, 0600) the file; `recovered` are the lines a previous run left in it. `mapping`
    /// false keeps every append a `pwrite` (tests run both ways).
    init(path: String, mapping: Bool = true) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError.journal(path: path, operation: "open", errno: errno) }
        mayMap = mapping && Self.blocksStayAllocated(fd)
    }

    deinit {
        unmap()
        close(fd)
    }

    /// Whether appends go through the mapping.
    var isMapped: Bool { mapping != nil }

    /// ext4 (and ext2/3), XFS, tmpfs: a store into a page of preallocated, written blocks needs no new
    /// block, so it cannot fail later with SIGBUS (copy-on-write file systems may need one: not mapped).
    static func blocksStayAllocated(_ fd: Int32) -> Bool {
        guard let type = fileSystemType(fd) else { return false }
        return [0xEF53, 0x5846_5342, 0x0102_1994].contains(type)
    }

    /// `fstatfs(2)`'s `f_type` (Swift's Glibc module leaves out `<sys/vfs.h>`, so the call goes through
    /// `dlsym`; on 64-bit Linux `f_type` is the struct's first word).
    static func fileSystemType(_ fd: Int32) -> Int? {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        typealias FStatFS = @convention(c) (Int32, UnsafeMutableRawPointer) -> Int32
        guard let symbol = dlsym(nil, "fstatfs") else { return nil }
        let fstatfs = unsafeBitCast(symbol, to: FStatFS.self)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)   // struct statfs: 120
        defer { buffer.deallocate() }
        guard fstatfs(fd, buffer) == 0 else { return nil }
        return buffer.load(as: Int.self)
        #else
        return nil
        #endif
    }

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

    /// Writes `record` and the zero header after it (into the mapping, or one `pwrite(2)`) and holds it
    /// until the next flush.
    func append(_ record: MessageRecord) throws {
        buffer.removeAll(keepingCapacity: true)
        Self.encode(record, into: &buffer)
        let recordBytes = buffer.count
        if let mapping, Int(end) + recordBytes + Self.headerBytes <= mapping.count {
            Self.store(buffer, into: mapping, at: Int(end))
        } else {
            buffer.append(contentsOf: Self.endMarker)
            do {
                try write(buffer, at: end)
            } catch {
                // Whatever part of it landed, the record must not be read back: end the file before it again.
                try? write(Self.endMarker, at: end)
                throw error
            }
        }
        end += off_t(recordBytes)
        pending.append(record)
    }

    /// Copies an encoded record into the mapping: the zero header after it, the body, then its header, so the
    /// file never ends in a half-written record whose header is already there.
    private static func store(_ record: [UInt8], into mapping: UnsafeMutableRawBufferPointer, at offset: Int) {
        let base = mapping.baseAddress! + offset
        (base + record.count).initializeMemory(as: UInt8.self, repeating: 0, count: headerBytes)
        record.withUnsafeBytes { bytes in
            (base + headerBytes).copyMemory(from: bytes.baseAddress! + headerBytes, byteCount: bytes.count - headerBytes)
            atomicMemoryFence(ordering: .sequentiallyConsistent)
            base.copyMemory(from: bytes.baseAddress!, byteCount: headerBytes)
        }
    }

    /// Empties the journal and the held lines (after they were committed to SQLite): one zero header at the
    /// start. The first reset of a file also writes its preallocated zeros.
    func reset() throws {
        let size = try fileSize()
        if size < Self.preallocatedBytes {
            try write([UInt8](repeating: 0, count: Self.preallocatedBytes), at: 0)
        } else {
            try write(Self.endMarker, at: 0)
        }
        end = 0
        pending.removeAll(keepingCapacity: true)
        if mayMap && (mapping?.count ?? 0) < max(size, Self.preallocatedBytes) { remap() }
    }

    /// Maps the whole file (after a batch of long lines grew it, again); without a mapping appends `pwrite`.
    private func remap() {
        unmap()
        guard let size = try? fileSize(), size > 0 else { return }
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let address, address != MAP_FAILED else { return }
        mapping = UnsafeMutableRawBufferPointer(start: address, count: size)
    }

    private func unmap() {
        if let mapping { munmap(mapping.baseAddress, mapping.count) }
        mapping = nil
    }

    /// A header of zeros: where the records end.
    private static let endMarker = [UInt8](repeating: 0, count: headerBytes)

    private func write(_ bytes: [UInt8], at offset: off_t) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, offset + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.journal(path: path, operation: "write", errno: errno)
                }
                done += n
            }
        }
    }

    /// Drops the held lines but not the file (see `MessageStore.abandonJournal`).
    func abandon() { pending.removeAll() }

    private func fileSize() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.journal(path: path, operation: "stat", errno: errno) }
        return Int(st.st_size)
    }

    // MARK: Encoding

    static func encode(_ r: MessageRecord, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: endMarker)   // the header, filled in below
        put64(UInt64(bitPattern: r.sentAt), &out)
        put64(UInt64(bitPattern: r.receivedAt), &out)
        putField(r.room.utf8, &out)
        putField(r.messageID, &out)
        putField(r.author.utf8, &out)
        putField(r.username.utf8, &out)
        putField(r.content.utf8, &out)
        putField(r.kind.utf8, &out)
        let body = out[(start + headerBytes)...]
        set32(UInt32(body.count), &out, at: start)
        set32(CRC32.checksum(body), &out, at: start + 4)
    }

    private static func putField<C: Collection>(_ bytes: C, _ out: inout [UInt8]) where C.Element == UInt8 {
        put32(UInt32(bytes.count), &out)
        out.append(contentsOf: bytes)
    }

    /// The records before the zero header (or the end of `bytes`), and the bytes dropped: those of the first
    /// record that is short, oversized or damaged (to the end of `bytes` when its length can't be believed).
    /// Nothing after a bad record is read.
    static func decode(_ bytes: [UInt8]) -> (records: [MessageRecord], droppedBytes: Int) {
        var records: [MessageRecord] = []
        var at = 0
        while bytes.count - at >= headerBytes {
            let length = Int(get32(bytes, at)), crc = get32(bytes, at + 4)
            if length == 0 && crc == 0 { return (records, 0) }
            let bodyStart = at + headerBytes
            guard length > 0, length <= maxRecordBytes, bytes.count - bodyStart >= length else { break }
            let body = bytes[bodyStart..<(bodyStart + length)]
            guard CRC32.checksum(body) == crc, let record = record(body) else { return (records, headerBytes + length) }
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
        let table = Self.table
        return ~(bytes.withContiguousStorageIfAvailable { buffer in
            var crc = ~UInt32(0)
            for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc
        } ?? bytes.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) })
    }
}
