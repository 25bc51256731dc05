import Testing
@testable import Network

/// Peer misbehaviour: each is fatal, answered with GO_AWAY(protocol error), in any chunking.
@Suite struct YamuxProtocolErrorTests {
    /// Feeds `bytes` in `chunk`-sized pieces and returns the error thrown.
    static func failure(_ session: YamuxSession, _ bytes: [UInt8], chunk: Int) -> YamuxError? {
        do {
            for piece in yamuxPieces(bytes, chunk) { try session.receive(piece, now: yamuxStart) }
            return nil
        } catch let error as YamuxError {
            return error
        } catch {
            return nil
        }
    }

    static func expectDead(_ session: YamuxSession) throws {
        #expect(session.isClosed)
        var out: [UInt8] = []
        session.drainTransmit(into: &out)
        #expect(try yamuxFrames(out).last?.frame == YamuxFrame(.goAway, [], streamID: 0, length: 1))
        #expect(throws: YamuxError.sessionClosed) { try session.receive([0], now: yamuxStart) }
        #expect(throws: YamuxError.sessionClosed) { try session.openStream() }
    }

    @Test(arguments: yamuxChunkings) func unknownFrameType(chunk: Int) throws {
        let session = YamuxSession(role: .server, now: yamuxStart)
        #expect(Self.failure(session, [0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], chunk: chunk) == .unknownFrameType(4))
        try Self.expectDead(session)
    }

    @Test(arguments: yamuxChunkings) func unsupportedVersion(chunk: Int) throws {
        let session = YamuxSession(role: .server, now: yamuxStart)
        #expect(Self.failure(session, [2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], chunk: chunk) == .unsupportedVersion(2))
        try Self.expectDead(session)
    }

    @Test(arguments: yamuxChunkings) func wrongParityStreamID(chunk: Int) throws {
        let server = YamuxSession(role: .server, now: yamuxStart)
        let even = YamuxFrame(.windowUpdate, .syn, streamID: 2, length: 0).encoded
        #expect(Self.failure(server, even, chunk: chunk) == .invalidStreamID(2))
        try Self.expectDead(server)

        let client = YamuxSession(role: .client, now: yamuxStart)
        #expect(Self.failure(client, yamuxData(3, [1], .syn), chunk: chunk) == .invalidStreamID(3))
        try Self.expectDead(client)
    }

    @Test func streamZeroIsOnlyForTheSession() throws {
        let a = YamuxSession(role: .client, now: yamuxStart)
        #expect(Self.failure(a, YamuxFrame(.windowUpdate, .syn, streamID: 0, length: 0).encoded, chunk: .max) == .invalidStreamID(0))
        let b = YamuxSession(role: .server, now: yamuxStart)
        #expect(Self.failure(b, yamuxData(0, [1]), chunk: .max) == .invalidStreamID(0))
    }

    @Test(arguments: yamuxChunkings) func reusedStreamID(chunk: Int) throws {
        let server = YamuxSession(role: .server, now: yamuxStart)
        let syn = YamuxFrame(.windowUpdate, .syn, streamID: 5, length: 0).encoded
        #expect(Self.failure(server, syn + syn, chunk: chunk) == .duplicateStream(5))
        try Self.expectDead(server)
    }

    @Test(arguments: yamuxChunkings) func dataBeyondTheWindow(chunk: Int) throws {
        let window = YamuxConfig.protocolWindow
        let server = YamuxSession(role: .server, now: yamuxStart)
        // Only the header matters: the check happens before any payload is read.
        let header = YamuxFrame(.data, .syn, streamID: 1, length: UInt32(window + 1)).encoded
        #expect(Self.failure(server, header, chunk: chunk)
                == .receiveWindowExceeded(streamID: 1, length: UInt32(window + 1), window: Int64(window)))
        try Self.expectDead(server)

        // Cumulatively, across frames, without any window update in between.
        let other = YamuxSession(role: .server, now: yamuxStart)
        let first = yamuxData(1, [UInt8](repeating: 1, count: window - 10), .syn)
        let second = YamuxFrame(.data, [], streamID: 1, length: 11).encoded
        #expect(Self.failure(other, first + second, chunk: chunk == 1 ? 4096 : chunk)
                == .receiveWindowExceeded(streamID: 1, length: 11, window: 10))
    }
}
