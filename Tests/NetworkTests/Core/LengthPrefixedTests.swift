import Testing
@testable import Network

@Suite struct LengthPrefixedTests {
    static let frames: [[UInt8]] = [[], [0x61], Array(repeating: 0x5a, count: 200), [1, 2, 3], Array(0..<128)]

    static var stream: [UInt8] {
        var out: [UInt8] = []
        for f in frames { LengthPrefixed.append(f, to: &out) }
        return out
    }

    @Test func framesWithAVarintPrefix() {
        #expect(LengthPrefixed.frame([0x61, 0x62]).hex == "026162")
        #expect(LengthPrefixed.frame([UInt8](repeating: 0, count: 300)).prefix(2).map { $0 } == [0xac, 0x02])
    }

    @Test(arguments: WireChunking.sizes)
    func decodesEveryChunking(size: Int) throws {
        var decoder = LengthPrefixedDecoder(maxFrameLength: 1024)
        var got: [[UInt8]] = []
        for piece in WireChunking.split(Self.stream, size) {
            decoder.feed(piece)
            while let frame = try decoder.next() { got.append(frame) }
        }
        #expect(got == Self.frames)
        #expect(decoder.buffered.isEmpty)
    }

    @Test(arguments: WireChunking.sizes)
    func refusesTooLargeFrameBeforeBufferingItsBody(size: Int) throws {
        var decoder = LengthPrefixedDecoder(maxFrameLength: 100)
        let header = Varint.encode(101)
        var thrown: LengthPrefixed.DecodeError?
        for piece in WireChunking.split(header, size) {
            decoder.feed(piece)
            do { _ = try decoder.next() } catch let e as LengthPrefixed.DecodeError { thrown = e }
        }
        #expect(thrown == .frameTooLarge(length: 101, limit: 100))
    }

    @Test func acceptsAFrameOfExactlyTheLimit() throws {
        var decoder = LengthPrefixedDecoder(maxFrameLength: 100)
        decoder.feed(LengthPrefixed.frame([UInt8](repeating: 7, count: 100)))
        #expect(try decoder.next()?.count == 100)
    }

    @Test func rejectsABadLengthPrefix() {
        var decoder = LengthPrefixedDecoder(maxFrameLength: 100)
        decoder.feed([0x80, 0x00])
        #expect(throws: LengthPrefixed.DecodeError.badLength(.notMinimal)) { try decoder.next() }
    }

    @Test func handsBackTheRemainder() throws {
        var decoder = LengthPrefixedDecoder(maxFrameLength: 100)
        decoder.feed(LengthPrefixed.frame([1, 2]) + [9, 8, 7])
        #expect(try decoder.next() == [1, 2])
        #expect(decoder.takeRemainder() == [9, 8, 7])
        #expect(decoder.buffered.isEmpty)
    }

    @Test func waitsForTheWholeBody() throws {
        var decoder = LengthPrefixedDecoder(maxFrameLength: 100)
        decoder.feed([0x03, 1, 2])
        #expect(try decoder.next() == nil)
        decoder.feed([3])
        #expect(try decoder.next() == [1, 2, 3])
        #expect(try decoder.next() == nil)
    }
}
