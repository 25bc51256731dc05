import Testing
@testable import Network

@Suite struct PerfTests {
    static let t0 = Instant(nanoseconds: 1_000_000_000)

    /// Runs a whole perf exchange in memory; returns the client's result and the server's counters.
    static func pump(upload: UInt64, download: UInt64, chunkSize: Int = Perf.chunkSize)
        throws -> (PerfResult, PerfServer) {
        var client = PerfClient(uploadSize: upload, downloadSize: download, now: t0, chunkSize: chunkSize)
        var server = PerfServer(chunkSize: chunkSize)
        var clientClosed = false
        while let out = client.pollTransmit() {
            #expect(server.pollTransmit() == nil)      // nothing back before the client's EOF
            switch out {
            case .data(let bytes):
                #expect(bytes.count <= Swift.max(chunkSize, Perf.headerLength))
                try server.receive(bytes)
            case .closeWrite:
                #expect(!clientClosed)
                clientClosed = true
                try server.receiveEOF()
            }
        }
        #expect(clientClosed)
        var serverClosed = false
        while let out = server.pollTransmit() {
            switch out {
            case .data(let bytes):
                #expect(bytes.count <= chunkSize)
                try client.receive(bytes)
            case .closeWrite:
                serverClosed = true
            }
        }
        #expect(serverClosed && server.isComplete)
        let result = try client.receiveEOF(now: t0 + .milliseconds(250))
        #expect(client.isComplete && client.result == result)
        return (result, server)
    }

    @Test(arguments: [(UInt64(1 << 20), UInt64(1 << 20)), (100_001, 3), (0, 0), (0, 65_537), (65_536, 0)])
    func pumpsInMemory(upload: UInt64, download: UInt64) throws {
        let (result, server) = try Self.pump(upload: upload, download: download)
        #expect(result == PerfResult(uploaded: upload, downloaded: download, elapsed: .milliseconds(250)))
        #expect(server.requested == download)
        #expect(server.received == upload)
        #expect(server.sent == download)
    }

    @Test func smallChunks() throws {
        let (result, _) = try Self.pump(upload: 1000, download: 999, chunkSize: 7)
        #expect(result.uploaded == 1000 && result.downloaded == 999)
        #expect(result.bytesPerSecond == 1999 * 4)
    }

    @Test func clientHeaderIsBigEndianU64() {
        var client = PerfClient(uploadSize: 0, downloadSize: 0x0102_0304_0506_0708, now: Self.t0)
        #expect(client.pollTransmit() == .data([1, 2, 3, 4, 5, 6, 7, 8]))
        #expect(client.pollTransmit() == .closeWrite)
        #expect(client.pollTransmit() == nil)
    }

    @Test(arguments: WireChunking.sizes)
    func serverReadsTheHeaderInEveryChunking(size: Int) throws {
        let input: [UInt8] = [0, 0, 0, 0, 0, 0, 0x01, 0x00] + [UInt8](repeating: 0xee, count: 20)
        var server = PerfServer()
        for piece in WireChunking.split(input, size) { try server.receive(piece) }
        #expect(server.requested == 256)
        #expect(server.received == 20)
        try server.receiveEOF()
        #expect(server.pollTransmit() == .data([UInt8](repeating: 0, count: 256)))
        #expect(server.pollTransmit() == .closeWrite)
        #expect(server.pollTransmit() == nil)
    }

    @Test func serverGeneratesHugeTransfersLazily() throws {
        var server = PerfServer()
        try server.receive([UInt8](repeating: 0xff, count: 8))
        try server.receiveEOF()
        #expect(server.requested == .max)
        for _ in 0..<3 {
            guard case .data(let chunk)? = server.pollTransmit() else { Issue.record("expected data"); return }
            #expect(chunk.count == Perf.chunkSize)
        }
        #expect(server.sent == UInt64(3 * Perf.chunkSize))
        #expect(!server.isComplete)
    }

    @Test func serverRefusesEOFBeforeTheHeader() throws {
        var server = PerfServer()
        try server.receive([0, 0, 0])
        #expect(throws: PerfError.truncatedHeader(received: 3)) { try server.receiveEOF() }
        #expect(server.pollTransmit() == nil)
    }

    @Test func serverRefusesDataAfterEOF() throws {
        var server = PerfServer()
        try server.receive([UInt8](repeating: 0, count: 8))
        try server.receiveEOF()
        #expect(throws: PerfError.dataAfterEOF(count: 1)) { try server.receive([1]) }
    }

    @Test func clientChecksTheDownloadSize() throws {
        var greedy = PerfClient(uploadSize: 0, downloadSize: 10, now: Self.t0)
        try greedy.receive([UInt8](repeating: 0, count: 10))
        #expect(throws: PerfError.excessDownload(expected: 10, received: 11)) { try greedy.receive([0]) }

        var short = PerfClient(uploadSize: 0, downloadSize: 10, now: Self.t0)
        try short.receive([UInt8](repeating: 0, count: 4))
        #expect(throws: PerfError.shortDownload(expected: 10, received: 4)) { try short.receiveEOF(now: Self.t0) }
        #expect(!short.isComplete)

        var done = PerfClient(uploadSize: 0, downloadSize: 0, now: Self.t0)
        _ = try done.receiveEOF(now: Self.t0)
        #expect(throws: PerfError.dataAfterEOF(count: 1)) { try done.receive([0]) }
    }
}
