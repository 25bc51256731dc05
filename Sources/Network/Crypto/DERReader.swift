/// Reads DER TLVs (definite lengths, at most 4 length bytes, short form when it fits) from a slice, for the
/// PKIX keys and ECDSA signatures peers send. Anything else throws `failure`, the error of the key being parsed
/// (`malformedRSAKey`, `malformedECDSAKey`), which readers of nested elements inherit.
///
///     tag ‖ length ‖ contents      length: 0L (L < 0x80) | 8k ‖ L in k bytes (k = 1…4, L ≥ 0x80, no leading 00)
struct DERReader {
    private var rest: ArraySlice<UInt8>
    private let failure: KeyError

    init(_ bytes: ArraySlice<UInt8>, failure: KeyError) {
        rest = bytes
        self.failure = failure
    }

    var isEmpty: Bool { rest.isEmpty }

    /// The contents of the next element, which must have `tag`.
    mutating func read(tag: UInt8) throws -> DERReader {
        DERReader(try readContents(tag: tag), failure: failure)
    }

    mutating func readContents(tag: UInt8) throws -> ArraySlice<UInt8> {
        guard rest.count >= 2, rest.first == tag else { throw failure }
        var i = rest.startIndex + 1
        var length = Int(rest[i])
        i += 1
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard (1...4).contains(count), rest.endIndex - i >= count, rest[i] != 0 else { throw failure }
            length = rest[i..<(i + count)].reduce(0) { $0 << 8 | Int($1) }
            guard length >= 0x80 else { throw failure }   // DER: the short form when it fits
            i += count
        }
        guard rest.endIndex - i >= length else { throw failure }
        let contents = rest[i..<(i + length)]
        rest = rest[(i + length)...]
        return contents
    }

    /// An INTEGER that must be positive, without its sign byte.
    mutating func readPositiveInteger() throws -> ArraySlice<UInt8> {
        var value = try readContents(tag: 0x02)
        guard let first = value.first, first & 0x80 == 0 else { throw failure }
        if first == 0 {
            value = value.dropFirst()
            guard let next = value.first, next & 0x80 != 0 else { throw failure }   // minimal
        }
        return value
    }

    // `read(tag:)` on a reader: its contents compared with bytes.
    func elementsEqual(_ other: [UInt8]) -> Bool { rest.elementsEqual(other) }
}

extension DERReader {
    /// A PKIX SubjectPublicKeyInfo whose algorithm is `algorithm`: the algorithm's parameters (still to be read)
    /// and the BIT STRING's contents after its unused-bits byte, which must be 0.
    ///
    ///     30 ‥ SEQUENCE  30 ‥ SEQUENCE  06 ‥ algorithm  parameters…   03 ‥ BIT STRING  00 ‖ key
    static func subjectPublicKeyInfo(_ der: [UInt8], algorithm: [UInt8],
                                     failure: KeyError) throws -> (parameters: DERReader, key: ArraySlice<UInt8>) {
        var outer = DERReader(der[...], failure: failure)
        var spki = try outer.read(tag: 0x30)
        guard outer.isEmpty else { throw failure }
        var identifier = try spki.read(tag: 0x30)
        guard try identifier.read(tag: 0x06).elementsEqual(algorithm) else { throw failure }
        let bits = try spki.readContents(tag: 0x03)
        guard spki.isEmpty, bits.first == 0 else { throw failure }
        return (identifier, bits.dropFirst())
    }
}
