#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Network

let yamuxChunkings = [1, 2, 3, 7, Int.max]
let yamuxStart = Instant(nanoseconds: 1_000_000_000)

/// Splits `bytes` into `size`-byte pieces (`Int.max` = one piece).
func yamuxPieces(_ bytes: [UInt8], _ size: Int) -> [ArraySlice<UInt8>] {
    guard !bytes.isEmpty else { return [] }
    return stride(from: 0, to: bytes.count, by: min(size, bytes.count)).map {
        bytes[$0..<min($0 + size, bytes.count)]
    }
}

/// `count` bytes of a pattern whose period (65521, a prime) does not line up with frame sizes, so lost,
/// repeated or reordered frames show. Built with bulk appends: debug builds are slow per byte.
func yamuxPattern(_ count: Int) -> [UInt8] {
    let period = 65_521
    let block = (0..<period).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
    var out: [UInt8] = []
    out.reserveCapacity(count)
    while out.count < count { out += block[0..<min(period, count - out.count)] }
    return out
}

/// Byte equality through `memcmp` (the generic `==` is slow on 16 MiB in debug builds).
func yamuxSameBytes(_ a: [UInt8]?, _ b: [UInt8]) -> Bool {
    guard let a, a.count == b.count else { return false }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
}

/// Parses a transmit buffer into frames and their DATA payloads.
func yamuxFrames(_ bytes: [UInt8]) throws -> [(frame: YamuxFrame, payload: [UInt8])] {
    var out: [(YamuxFrame, [UInt8])] = []
    var offset = 0
    while offset < bytes.count {
        let frame = try YamuxFrame.decode(Array(bytes[offset..<(offset + YamuxFrame.headerLength)]))
        offset += YamuxFrame.headerLength
        let n = frame.type == .data ? Int(frame.length) : 0
        out.append((frame, Array(bytes[offset..<(offset + n)])))
        offset += n
    }
    return out
}

func yamuxData(_ id: UInt32, _ payload: [UInt8], _ flags: YamuxFrame.Flags = []) -> [UInt8] {
    YamuxFrame(.data, flags, streamID: id, length: UInt32(payload.count)).encoded + payload
}

/// One side of a `YamuxTestPair`: a session plus everything it reported.
final class YamuxEndpoint {
    let session: YamuxSession
    /// Events other than `.data` and `.rtt` (collected apart, since start pings make them timing-dependent).
    var events: [YamuxEvent] = []
    var rtts: [Duration] = []
    var received: [UInt32: [UInt8]] = [:]
    /// Report data as consumed as soon as it arrives (an application that keeps up).
    var autoConsume = true
    /// Every frame this side sent, for assertions about the wire.
    var sentFrames: [YamuxFrame] = []

    init(_ session: YamuxSession) { self.session = session }

    func collect(now: Instant) {
        while let event = session.pollEvent() {
            switch event {
            case .data(let id, let bytes):
                received[id, default: []] += bytes
                if autoConsume { session.consumed(id, bytes.count, now: now) }
            case .rtt(let d):
                rtts.append(d)
            default:
                events.append(event)
            }
        }
    }

    func consumeAll(_ id: UInt32, now: Instant) {
        session.consumed(id, Int(session.streams[id]?.unconsumed ?? 0), now: now)
    }
}

/// Two sessions (client and server) joined in memory; `pump` moves bytes in `chunk`-sized pieces until
/// both are quiet. A receiver throws on any DATA beyond its window, so a clean pump proves the sender kept to it.
final class YamuxTestPair {
    let client: YamuxEndpoint
    let server: YamuxEndpoint
    var now = yamuxStart
    var chunk: Int
    /// Time that passes per pump round, to make window tuning see slow consumers.
    var stepPerRound: Duration = .zero

    init(chunk: Int = Int.max, client clientConfig: YamuxConfig = .init(), server serverConfig: YamuxConfig = .init()) {
        self.chunk = chunk
        client = YamuxEndpoint(YamuxSession(role: .client, config: clientConfig, now: yamuxStart))
        server = YamuxEndpoint(YamuxSession(role: .server, config: serverConfig, now: yamuxStart))
    }

    @discardableResult
    func pump(maxRounds: Int = 100_000) throws -> Int {
        var rounds = 0
        while rounds < maxRounds {
            let a = try move(from: client, to: server)
            let b = try move(from: server, to: client)
            if !a && !b { break }
            rounds += 1
            now = now + stepPerRound
        }
        return rounds
    }

    /// Moves one transmit buffer from `source` to `sink`; returns whether anything moved.
    private func move(from source: YamuxEndpoint, to sink: YamuxEndpoint) throws -> Bool {
        source.collect(now: now)
        guard source.session.hasPendingTransmit else { return false }
        var bytes: [UInt8] = []
        source.session.drainTransmit(into: &bytes)
        source.sentFrames += try yamuxFrames(bytes).map(\.frame)
        for piece in yamuxPieces(bytes, chunk) { try sink.session.receive(piece, now: now) }
        sink.collect(now: now)
        return true
    }
}
