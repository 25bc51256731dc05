/// A domain name as its labels (`["_p2p", "_udp", "local"]`). Comparison ignores ASCII case, as DNS does.
///
/// On the wire (RFC 1035 §4.1.4) a name is a run of labels ended by a zero byte, or cut short by a
/// compression pointer to an earlier occurrence of the rest of the name:
///
///     +--+--+--+--+--+--+--+--+
///     | 0  0|  length (1…63)  |  then `length` bytes of label; 0x00 ends the name
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     | 1  1|  offset from the start of the message (14 bits)|   pointer: the name goes on there
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///
/// Length bytes 01xxxxxx and 10xxxxxx are reserved and rejected.
public struct DNSName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public static let maxLabelLength = 63
    /// Longest name in wire form, length bytes and final zero included (RFC 1035 §2.3.4).
    public static let maxWireLength = 255
    /// Most compression pointers followed in one name; real packets need one or two.
    public static let maxPointerJumps = 32

    public private(set) var labels: [String]

    /// Labels of a dotted name (`"_p2p._udp.local"`; a trailing dot is allowed, empty labels are dropped).
    public init(_ dotted: String) {
        labels = dotted.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
    }

    public init(labels: [String]) { self.labels = labels }

    public init(stringLiteral value: String) { self.init(value) }

    /// `"_p2p._udp.local"` (no trailing dot).
    public var description: String { labels.joined(separator: ".") }

    /// This name with `label` in front: `"peer"` + `_p2p._udp.local`.
    public func prepending(_ label: String) -> DNSName { DNSName(labels: [label] + labels) }

    /// Bytes on the wire, uncompressed: each label's length and bytes, then the zero byte.
    public var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.utf8.count } }

    private var folded: [String] { labels.map { $0.lowercased() } }

    public static func == (a: DNSName, b: DNSName) -> Bool { a.folded == b.folded }
    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    /// Throws when a label is empty or over 63 bytes, or the name over 255 bytes (checked before encoding).
    public func validate() throws {
        for label in labels {
            let count = label.utf8.count
            if count == 0 { throw DNSError.emptyLabel }
            if count > Self.maxLabelLength { throw DNSError.labelTooLong(count) }
        }
        if wireLength > Self.maxWireLength { throw DNSError.nameTooLong(wireLength) }
    }
}
