extension DNSMessage {
    /// Parses a whole packet (layouts on `DNSMessage`, `DNSQuestion`, `DNSRecord`, `DNSName`).
    ///
    /// Every read is bounds-checked; compression pointers are followed at most `DNSName.maxPointerJumps`
    /// times and names stop at 255 bytes, so hostile packets end in a `DNSError`, never a crash or a
    /// hang. Bytes after the last record are ignored.
    public init(decoding bytes: [UInt8]) throws {
        guard bytes.count <= Self.maxPacketSize else { throw DNSError.packetTooLarge(bytes.count) }
        var reader = DNSReader(bytes)
        let id = try reader.readU16()
        let flags = try reader.readU16()
        let counts = [try reader.readU16(), try reader.readU16(), try reader.readU16(), try reader.readU16()].map(Int.init)
        let total = counts.reduce(0, +)
        guard total <= Self.maxRecords else { throw DNSError.tooManyRecords(total) }
        var questions: [DNSQuestion] = []
        for _ in 0..<counts[0] { questions.append(try reader.readQuestion()) }
        var sections: [[DNSRecord]] = [[], [], []]
        for section in 0..<3 {
            for _ in 0..<counts[section + 1] { sections[section].append(try reader.readRecord()) }
        }
        self.init(id: id, flags: flags, questions: questions, answers: sections[0], authorities: sections[1],
                  additionals: sections[2])
    }
}

/// A cursor over one packet. Names may point anywhere in `bytes`, so the whole packet is kept.
struct DNSReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func need(_ count: Int) throws {
        guard bytes.count - offset >= count else { throw DNSError.truncated(offset: offset, needed: count - (bytes.count - offset)) }
    }

    mutating func readU8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readU16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readU32() throws -> UInt32 {
        UInt32(try readU16()) << 16 | UInt32(try readU16())
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readQuestion() throws -> DNSQuestion {
        let name = try readName()
        let type = DNSRecordType(rawValue: try readU16())
        let classWord = try readU16()
        return DNSQuestion(name: name, type: type, unicastResponse: classWord & 0x8000 != 0, recordClass: classWord & 0x7FFF)
    }

    mutating func readRecord() throws -> DNSRecord {
        let name = try readName()
        let type = DNSRecordType(rawValue: try readU16())
        let classWord = try readU16()
        let ttl = try readU32()
        let length = Int(try readU16())
        try need(length)
        let end = offset + length
        let data = try readRecordData(type, length: length, end: end)
        guard offset == end else { throw DNSError.badRecordData(type, length: length) }
        return DNSRecord(name: name, ttl: ttl, data: data, cacheFlush: classWord & 0x8000 != 0,
                         recordClass: classWord & 0x7FFF)
    }

    private mutating func readRecordData(_ type: DNSRecordType, length: Int, end: Int) throws -> DNSRecordData {
        switch type {
        case .a, .aaaa:
            guard length == (type == .a ? 4 : 16) else { throw DNSError.badRecordData(type, length: length) }
            let address = try readBytes(length)
            return type == .a ? .a(address) : .aaaa(address)
        case .ptr:
            return .ptr(try readName(within: end))
        case .srv:
            guard length >= 7 else { throw DNSError.badRecordData(type, length: length) }
            let priority = try readU16(), weight = try readU16(), port = try readU16()
            return .srv(priority: priority, weight: weight, port: port, target: try readName(within: end))
        case .txt:
            var strings: [[UInt8]] = []
            while offset < end {
                let count = Int(try readU8())
                guard offset + count <= end else { throw DNSError.badRecordData(type, length: length) }
                strings.append(try readBytes(count))
            }
            return .txt(strings)
        default:
            return .other(type, try readBytes(length))
        }
    }

    /// Reads a name at the cursor; the cursor ends after its last label or its first pointer.
    /// `limit` bounds the in-place part (a name inside RDATA must not run past the record).
    mutating func readName(within limit: Int? = nil) throws -> DNSName {
        var labels: [String] = []
        var wireLength = 1
        var position = offset
        var jumps = 0
        var resumeAt: Int?
        let end = limit ?? bytes.count
        while true {
            guard position < (resumeAt == nil ? end : bytes.count) else {
                offset = position
                throw DNSError.truncated(offset: position, needed: 1)
            }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    offset = resumeAt ?? position + 1
                    return DNSName(labels: labels)
                }
                let count = Int(length)
                let start = position + 1
                guard start + count <= (resumeAt == nil ? end : bytes.count) else {
                    offset = position
                    throw DNSError.truncated(offset: position, needed: max(1, start + count - bytes.count))
                }
                wireLength += 1 + count
                guard wireLength <= DNSName.maxWireLength else { throw DNSError.nameTooLong(wireLength) }
                labels.append(String(decoding: bytes[start..<start + count], as: UTF8.self))
                position = start + count
            case 0xC0:
                guard position + 1 < (resumeAt == nil ? end : bytes.count) else {
                    offset = position
                    throw DNSError.truncated(offset: position, needed: 1)
                }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < bytes.count else { throw DNSError.pointerOutOfBounds(target: target) }
                jumps += 1
                guard jumps <= DNSName.maxPointerJumps else { throw DNSError.pointerLoop }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
            default:
                throw DNSError.reservedLabelType(length)
            }
        }
    }
}
