/// A DNS message (RFC 1035 §4) with the two mDNS bits (RFC 6762 §5.4, §10.2): what the mDNS and
/// `/dnsaddr` machines read and write. Plain values; `DNSMessage(decoding:)` and `encode()` do the wire.
///
/// Header, 12 bytes, every field big-endian:
///
///       0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                      ID                       |
///     |QR|  Opcode   |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
///     |            QDCOUNT (questions)                |
///     |            ANCOUNT (answers)                  |
///     |            NSCOUNT (authority)                |
///     |            ARCOUNT (additional)               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///
/// then QDCOUNT questions and AN+NS+AR resource records (layouts on `DNSQuestion` and `DNSRecord`).
public struct DNSMessage: Hashable, Sendable {
    /// Largest packet we build or accept: the mDNS ceiling (RFC 6762 §17, 9000 bytes).
    public static let maxPacketSize = 9000
    /// Most questions plus records one packet may carry; a 9000-byte packet holds at most ~800 tiny
    /// records, and no real mDNS or DNS answer comes near this.
    public static let maxRecords = 256

    public var id: UInt16
    /// The 16 flag bits of the second header word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE).
    public var flags: UInt16
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    public var additionals: [DNSRecord]

    public init(id: UInt16 = 0, flags: UInt16 = 0, questions: [DNSQuestion] = [], answers: [DNSRecord] = [],
                authorities: [DNSRecord] = [], additionals: [DNSRecord] = []) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// QR: this is a response.
    public static let responseFlag: UInt16 = 0x8000
    /// AA: authoritative answer (every mDNS response sets it).
    public static let authoritativeFlag: UInt16 = 0x0400
    /// TC: truncated.
    public static let truncatedFlag: UInt16 = 0x0200
    /// RD: recursion desired (unicast queries to a resolver set it).
    public static let recursionDesiredFlag: UInt16 = 0x0100

    public var isResponse: Bool { flags & Self.responseFlag != 0 }
    public var isTruncated: Bool { flags & Self.truncatedFlag != 0 }
    /// The 4-bit opcode (0 = standard query; mDNS ignores any other).
    public var opcode: UInt8 { UInt8((flags >> 11) & 0xF) }
    /// The 4-bit response code (0 = no error, 3 = NXDOMAIN).
    public var responseCode: UInt8 { UInt8(flags & 0xF) }

    /// Every record of the three record sections, in wire order.
    public var allRecords: [DNSRecord] { answers + authorities + additionals }
}

/// One entry of the question section.
///
///     +---------------- … ----------------+
///     |  QNAME (labels or pointer)        |
///     +--+--------------------------------+
///     |  QTYPE (16)                       |
///     +--+--------------------------------+
///     |QU|  QCLASS (15)                   |   QU: mDNS "unicast response wanted" (RFC 6762 §5.4)
///     +--+--------------------------------+
public struct DNSQuestion: Hashable, Sendable {
    public var name: DNSName
    public var type: DNSRecordType
    /// The mDNS QU bit: the asker wants a unicast reply.
    public var unicastResponse: Bool
    public var recordClass: UInt16

    public init(name: DNSName, type: DNSRecordType, unicastResponse: Bool = false, recordClass: UInt16 = DNSRecord.classIN) {
        self.name = name
        self.type = type
        self.unicastResponse = unicastResponse
        self.recordClass = recordClass
    }
}

/// A record type code, with the ones we read named.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let ptr = DNSRecordType(rawValue: 12)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)
    public static let srv = DNSRecordType(rawValue: 33)
    public static let any = DNSRecordType(rawValue: 255)

    public var description: String {
        switch self {
        case .a: return "A"
        case .ptr: return "PTR"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        case .srv: return "SRV"
        case .any: return "ANY"
        default: return "TYPE\(rawValue)"
        }
    }
}

/// One resource record.
///
///     +---------------- … ----------------+
///     |  NAME (labels or pointer)         |
///     +--+--------------------------------+
///     |  TYPE (16)                        |
///     +--+--------------------------------+
///     |CF|  CLASS (15)                    |   CF: mDNS cache-flush (RFC 6762 §10.2)
///     +--+--------------------------------+
///     |  TTL (32, seconds)                |
///     +-----------------------------------+
///     |  RDLENGTH (16)                    |
///     +---------------- … ----------------+
///     |  RDATA (RDLENGTH bytes)           |   A: 4 bytes · AAAA: 16 · PTR: a name
///     +---------------- … ----------------+   TXT: (len8 bytes)… · SRV: prio16 weight16 port16 target
public struct DNSRecord: Hashable, Sendable {
    /// The Internet class.
    public static let classIN: UInt16 = 1

    public var name: DNSName
    public var recordClass: UInt16
    /// The mDNS cache-flush bit: this record replaces any cached ones of its name and type.
    public var cacheFlush: Bool
    /// Time to live in seconds; 0 in mDNS means "goodbye, forget this record".
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: DNSName, ttl: UInt32, data: DNSRecordData, cacheFlush: Bool = false,
                recordClass: UInt16 = DNSRecord.classIN) {
        self.name = name
        self.recordClass = recordClass
        self.cacheFlush = cacheFlush
        self.ttl = ttl
        self.data = data
    }

    public var type: DNSRecordType { data.type }
}

/// The RDATA of the record types we understand; anything else is kept as raw bytes.
public enum DNSRecordData: Hashable, Sendable {
    case a([UInt8])
    case aaaa([UInt8])
    case ptr(DNSName)
    /// TXT: the character-strings, each at most 255 bytes.
    case txt([[UInt8]])
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    case other(DNSRecordType, [UInt8])

    public var type: DNSRecordType {
        switch self {
        case .a: return .a
        case .aaaa: return .aaaa
        case .ptr: return .ptr
        case .txt: return .txt
        case .srv: return .srv
        case .other(let type, _): return type
        }
    }

    /// The TXT strings as UTF-8 text (invalid bytes replaced), or `[]` for other types.
    public var textStrings: [String] {
        guard case .txt(let strings) = self else { return [] }
        return strings.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Why a DNS packet could not be read or written. Every malformed input ends here, never in a crash.
public enum DNSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The packet ended at `offset` while `needed` more bytes were expected.
    case truncated(offset: Int, needed: Int)
    case packetTooLarge(Int)
    case tooManyRecords(Int)
    case labelTooLong(Int)
    case emptyLabel
    case nameTooLong(Int)
    /// A compression pointer to `target`, which is not inside the packet before the message end.
    case pointerOutOfBounds(target: Int)
    /// More than `DNSName.maxPointerJumps` compression pointers in one name: a loop.
    case pointerLoop
    /// The two top bits of a length byte were 01 or 10 (reserved label types).
    case reservedLabelType(UInt8)
    /// RDATA of `type` whose length does not fit its content.
    case badRecordData(DNSRecordType, length: Int)
    case txtStringTooLong(Int)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed): return "DNS packet truncated at byte \(offset) (\(needed) more expected)"
        case .packetTooLarge(let size): return "DNS packet of \(size) bytes exceeds \(DNSMessage.maxPacketSize)"
        case .tooManyRecords(let n): return "DNS packet with \(n) entries exceeds \(DNSMessage.maxRecords)"
        case .labelTooLong(let n): return "DNS label of \(n) bytes exceeds \(DNSName.maxLabelLength)"
        case .emptyLabel: return "empty DNS label inside a name"
        case .nameTooLong(let n): return "DNS name of \(n) bytes exceeds \(DNSName.maxWireLength)"
        case .pointerOutOfBounds(let target): return "DNS compression pointer to \(target) is out of bounds"
        case .pointerLoop: return "DNS compression pointers loop"
        case .reservedLabelType(let byte): return "reserved DNS label type 0x\(String(byte, radix: 16))"
        case .badRecordData(let type, let length): return "bad \(type) record data of \(length) bytes"
        case .txtStringTooLong(let n): return "TXT string of \(n) bytes exceeds 255"
        }
    }
}
