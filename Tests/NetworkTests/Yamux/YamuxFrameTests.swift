import Testing
@testable import Network

@Suite struct YamuxFrameTests {
    @Test func encodesBigEndianHeader() {
        let frame = YamuxFrame(.windowUpdate, [.syn, .fin], streamID: 0x0102_0304, length: 0x0a0b_0c0d)
        #expect(frame.encoded == [0x00, 0x01, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d])
    }

    @Test func pyStreamOpenBytes() throws {
        // py-libp2p opens streams with WU|SYN length 0 and acknowledges with WU|ACK length 0.
        let syn: [UInt8] = [0, 1, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]
        #expect(try YamuxFrame.decode(syn) == YamuxFrame(.windowUpdate, .syn, streamID: 2, length: 0))
        let ping: [UInt8] = [0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]
        #expect(try YamuxFrame.decode(ping) == YamuxFrame(.ping, .ack, streamID: 0, length: 1))
    }

    @Test(arguments: [YamuxFrame.FrameType.data, .windowUpdate, .ping, .goAway])
    func roundTrips(type: YamuxFrame.FrameType) throws {
        let frame = YamuxFrame(type, [.ack, .rst], streamID: .max, length: .max)
        #expect(try YamuxFrame.decode(frame.encoded) == frame)
    }

    @Test func rejectsUnknownTypeAndVersion() {
        #expect(throws: YamuxError.unknownFrameType(4)) {
            try YamuxFrame.decode([0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        }
        #expect(throws: YamuxError.unsupportedVersion(1)) {
            try YamuxFrame.decode([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        }
    }
}
