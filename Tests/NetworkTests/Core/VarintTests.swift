import Testing
@testable import Network

@Suite struct VarintTests {
    static let vectors: [(UInt64, String)] = [
        (0, "00"), (1, "01"), (127, "7f"), (128, "8001"), (255, "ff01"), (300, "ac02"), (16384, "808001"),
    ]

    @Test(arguments: vectors)
    func encodesAndDecodesVector(value: UInt64, hex: String) throws {
        #expect(Varint.encode(value).hex == hex)
        #expect(Varint.encodedLength(value) == hex.count / 2)
        #expect(try Varint.decode(WireChunking.bytes(hex)) == .value(value, length: hex.count / 2))
    }

    @Test func decodesOnlyTheFirstVarint() throws {
        #expect(try Varint.decode(WireChunking.bytes("ac02ff")) == .value(300, length: 2))
    }

    @Test func rejectsNonMinimalEncoding() {
        #expect(throws: Varint.DecodeError.notMinimal) { try Varint.decode(WireChunking.bytes("8000")) }
        #expect(throws: Varint.DecodeError.notMinimal) { try Varint.decode(WireChunking.bytes("ff8000")) }
    }

    @Test func rejectsOverlongEncoding() {
        let tenBytes = [UInt8](repeating: 0x80, count: 9) + [0x01]
        #expect(throws: Varint.DecodeError.overlong) { try Varint.decode(tenBytes) }
        // 2^63 needs a 10th byte: 9 groups of 7 bits hold at most 63 bits.
        #expect(Varint.encode(UInt64(1) << 63).count == 10)
        #expect(throws: Varint.DecodeError.overlong) { try Varint.decode(Varint.encode(UInt64(1) << 63)) }
        #expect(throws: Varint.DecodeError.overlong) { try Varint.decode([UInt8](repeating: 0xff, count: 10)) }
    }

    @Test func roundTripsTheLargestValue() throws {
        let max = UInt64(Int64.max)
        let encoded = Varint.encode(max)
        #expect(encoded.count == Varint.maxBytes)
        #expect(try Varint.decode(encoded) == .value(max, length: 9))
    }

    @Test(arguments: ["", "80", "ff", "ac", "8080", "ffffffffffffffff"])
    func needsMoreDataWhenTruncated(hex: String) throws {
        #expect(try Varint.decode(WireChunking.bytes(hex)) == .needMoreData)
    }

    @Test func roundTripsPowersOfTwo() throws {
        for shift in 0..<63 {
            for value in [UInt64(1) << shift, (UInt64(1) << shift) - 1, (UInt64(1) << shift) + 1] {
                let encoded = Varint.encode(value)
                #expect(try Varint.decode(encoded) == .value(value, length: encoded.count))
            }
        }
    }
}
