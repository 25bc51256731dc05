extension DNSMessage {
    /// The packet bytes, names compressed against earlier ones (RFC 1035 §4.1.4).
    /// Throws for a bad name, a TXT string over 255 bytes, or a result over `maxPacketSize`.
    public func encode() throws -> [UInt8] {
        let total = questions.count + answers.count + authorities.count + additionals.count
        guard total <= Self.maxRecords else { throw DNSError.tooManyRecords(total) }
        var writer = DNSWriter()
        writer.writeU16(id)
        writer.writeU16(flags)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            writer.writeU16(UInt16(count))
        }
        for question in questions {
            try writer.writeName(question.name)
            writer.writeU16(question.type.rawValue)
            writer.writeU16(question.recordClass & 0x7FFF | (question.unicastResponse ? 0x8000 : 0))
        }
        for record in allRecords { try writer.writeRecord(record) }
        guard writer.bytes.count <= Self.maxPacketSize else { throw DNSError.packetTooLarge(writer.bytes.count) }
        return writer.bytes
    }
}

/// Builds a packet; remembers where each name suffix was written so later names can point to it.
struct DNSWriter {
    private(set) var bytes: [UInt8] = []
    /// Offset of each name suffix already written (lower-cased labels), for compression pointers.
    private var suffixes: [[String]: Int] = [:]

    mutating func writeU16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func writeU32(_ value: UInt32) {
        writeU16(UInt16(value >> 16))
        writeU16(UInt16(value & 0xFFFF))
    }

    mutating func writeName(_ name: DNSName) throws {
        try name.validate()
        let labels = name.labels
        for index in labels.indices {
            let key = labels[index...].map { $0.lowercased() }
            if let target = suffixes[key] {
                writeU16(0xC000 | UInt16(target))
                return
            }
            // Pointers hold 14 bits: suffixes beyond 16 KiB cannot be targets (never in a 9000-byte packet).
            if bytes.count < 0x4000 { suffixes[key] = bytes.count }
            let label = Array(labels[index].utf8)
            bytes.append(UInt8(label.count))
            bytes += label
        }
        bytes.append(0)
    }

    mutating func writeRecord(_ record: DNSRecord) throws {
        try writeName(record.name)
        writeU16(record.type.rawValue)
        writeU16(record.recordClass & 0x7FFF | (record.cacheFlush ? 0x8000 : 0))
        writeU32(record.ttl)
        let lengthAt = bytes.count
        writeU16(0)
        switch record.data {
        case .a(let address), .aaaa(let address), .other(_, let address):
            bytes += address
        case .ptr(let target):
            try writeName(target)
        case .srv(let priority, let weight, let port, let target):
            writeU16(priority)
            writeU16(weight)
            writeU16(port)
            try writeName(target)
        case .txt(let strings):
            for string in strings {
                guard string.count <= 255 else { throw DNSError.txtStringTooLong(string.count) }
                bytes.append(UInt8(string.count))
                bytes += string
            }
        }
        let length = bytes.count - lengthAt - 2
        guard length <= Int(UInt16.max) else { throw DNSError.packetTooLarge(bytes.count) }
        bytes[lengthAt] = UInt8(length >> 8)
        bytes[lengthAt + 1] = UInt8(length & 0xFF)
    }
}
