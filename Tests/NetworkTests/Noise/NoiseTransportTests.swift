import Testing
@testable import Network

@Suite struct NoiseTransportTests {
    typealias S = NoiseTestSupport

    /// A pair of transports from a real handshake: (initiator's, responder's).
    static func pair() throws -> (NoiseTransport, NoiseTransport) {
        let initiator = NoiseHandshake(role: .initiator, identity: .generate(), expectedRemote: nil)
        let responder = NoiseHandshake(role: .responder, identity: .generate(), expectedRemote: nil)
        try S.pump(initiator, responder)
        return (initiator.finish().transport, responder.finish().transport)
    }

    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) } }

    @Test(arguments: NoiseTestSupport.chunkings)
    func oneMiBWriteIsSplitInto65519ByteFrames(chunk: Int) throws {
        var (a, b) = try Self.pair()
        let message = Self.pattern(1 << 20)
        var wire: [UInt8] = []
        try a.seal(message, appendingTo: &wire)
        let frames = S.frames(wire)
        #expect(frames.count == 17)   // ⌈1048576 / 65519⌉
        #expect(frames.dropLast().allSatisfy { $0.count == 65535 })
        let lastFrame: Int = (1 << 20) - 16 * 65519 + 16
        let total: Int = (1 << 20) + 17 * 18
        #expect(frames.last?.count == lastFrame)
        #expect(wire.count == total)
        #expect(a.sendNonce == 17)

        var plain: [UInt8] = []
        // One byte at a time over 1 MiB is slow in debug builds; go byte-wise over the first two frames only.
        let split = chunk == 1 ? 2 * (65535 + 2) + 5 : 0
        for piece in S.chunks(Array(wire[..<split]), chunk) { try b.open(piece, appendingTo: &plain) }
        for piece in S.chunks(Array(wire[split...]), chunk == 1 ? 4096 : chunk) { try b.open(piece, appendingTo: &plain) }
        #expect(plain == message)
        #expect(b.receiveNonce == 17 && b.bufferedCount == 0)
    }

    @Test(arguments: NoiseTestSupport.chunkings)
    func bothDirectionsManySmallWrites(chunk: Int) throws {
        var (a, b) = try Self.pair()
        for receiverIsB in [true, false] {
            var wire: [UInt8] = []
            var expected: [UInt8] = []
            for n in [0, 1, 15, 16, 17, 1000, 65519, 65520] {
                let message = Self.pattern(n)
                if receiverIsB { try a.seal(message, appendingTo: &wire) } else { try b.seal(message, appendingTo: &wire) }
                expected += message
            }
            var plain: [UInt8] = []
            for piece in S.chunks(wire, chunk == 1 ? 1 : chunk) {
                if receiverIsB { try b.open(piece, appendingTo: &plain) } else { try a.open(piece, appendingTo: &plain) }
            }
            #expect(plain == expected)
        }
        #expect(a.sendNonce == 8 && b.receiveNonce == 8 && b.sendNonce == 8 && a.receiveNonce == 8)
    }

    @Test func sealAppendsAfterExistingBytes() throws {
        var (a, b) = try Self.pair()
        var wire: [UInt8] = [9, 9, 9]
        try a.seal(Array("x".utf8), appendingTo: &wire)
        #expect(wire.prefix(3) == [9, 9, 9] && wire.count == 3 + 2 + 1 + 16)
        var plain: [UInt8] = [7]
        try b.open(wire.dropFirst(3), appendingTo: &plain)
        #expect(plain == [7, UInt8(ascii: "x")])
    }

    @Test func emptyWriteProducesNothingButAnEmptyFrameOpens() throws {
        let key = Sodium.randomBytes(32)
        var sender = NoiseTransport(sendKey: key, receiveKey: Sodium.randomBytes(32))
        var receiver = NoiseTransport(sendKey: Sodium.randomBytes(32), receiveKey: key)
        var wire: [UInt8] = []
        try sender.seal([UInt8](), appendingTo: &wire)
        #expect(wire.isEmpty && sender.sendNonce == 0)
        // An empty frame (tag only) is legal on the wire.
        let tagOnly: [UInt8] = [0x00, 0x10] + Sodium.aeadSeal(key: key, nonce: 0, ad: [], plaintext: [])
        var plain: [UInt8] = []
        try receiver.open(tagOnly, appendingTo: &plain)
        #expect(plain.isEmpty && receiver.receiveNonce == 1)
    }

    @Test func tamperedCiphertextFailsAndPoisonsTheTransport() throws {
        var (a, b) = try Self.pair()
        var wire: [UInt8] = []
        try a.seal(Array("hello".utf8), appendingTo: &wire)
        try a.seal(Array("world".utf8), appendingTo: &wire)
        let frameLength = 2 + 5 + 16
        wire[frameLength + 4] ^= 0x80   // second frame's ciphertext
        var plain: [UInt8] = []
        #expect(throws: NoiseError.decryptFailed) { try b.open(wire, appendingTo: &plain) }
        #expect(plain == Array("hello".utf8))   // the authentic first frame, nothing of the bad one
        #expect(throws: NoiseError.decryptFailed) { try b.open([UInt8](), appendingTo: &plain) }
    }

    @Test func tamperedTagAndReplayFail() throws {
        var (a, b) = try Self.pair()
        var wire: [UInt8] = []
        try a.seal(Array("hello".utf8), appendingTo: &wire)
        var plain: [UInt8] = []
        try b.open(wire, appendingTo: &plain)
        #expect(throws: NoiseError.decryptFailed) { try b.open(wire, appendingTo: &plain) }   // replay: nonce 1 ≠ 0

        var (c, d) = try Self.pair()
        var other: [UInt8] = []
        try c.seal(Array("hello".utf8), appendingTo: &other)
        other[other.count - 1] ^= 1
        #expect(throws: NoiseError.decryptFailed) { try d.open(other, appendingTo: &plain) }
    }

    @Test func frameShorterThanTheTagIsMalformed() throws {
        var (_, b) = try Self.pair()
        var plain: [UInt8] = []
        #expect(throws: NoiseError.malformedFrame("transport frame of 3 bytes is shorter than the AEAD tag")) {
            try b.open([0x00, 0x03, 1, 2, 3], appendingTo: &plain)
        }
    }

    @Test func nonceExhaustionIsRefusedBeforeWriting() throws {
        let k1 = Sodium.randomBytes(32), k2 = Sodium.randomBytes(32)
        var sender = NoiseTransport(sendKey: k1, receiveKey: k2, sendNonce: UInt64.max - 2)
        var receiver = NoiseTransport(sendKey: k2, receiveKey: k1, receiveNonce: UInt64.max - 2)
        var wire: [UInt8] = []
        // Two frames would need nonces max−2 and max−1; max−1 is fine, so this succeeds…
        try sender.seal(Self.pattern(65519 + 1), appendingTo: &wire)
        #expect(sender.sendNonce == UInt64.max)
        // …and now nothing more may be sent, and nothing is written.
        let before = wire
        #expect(throws: NoiseError.nonceExhausted) { try sender.seal([1], appendingTo: &wire) }
        #expect(wire == before)
        var plain: [UInt8] = []
        try receiver.open(wire, appendingTo: &plain)
        #expect(plain == Self.pattern(65520) && receiver.receiveNonce == UInt64.max)

        // A multi-frame write that would cross the limit is refused whole.
        var almost = NoiseTransport(sendKey: k1, receiveKey: k2, sendNonce: UInt64.max - 1)
        var out: [UInt8] = []
        #expect(throws: NoiseError.nonceExhausted) { try almost.seal(Self.pattern(65520), appendingTo: &out) }
        #expect(out.isEmpty)

        // The receiver at max refuses further frames.
        var spare = NoiseTransport(sendKey: k1, receiveKey: k2, sendNonce: UInt64.max - 1)
        var frame: [UInt8] = []
        try spare.seal([1], appendingTo: &frame)
        #expect(throws: NoiseError.nonceExhausted) { try receiver.open(frame, appendingTo: &plain) }
    }
}
