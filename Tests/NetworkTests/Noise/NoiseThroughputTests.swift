import Foundation
import Testing
@testable import Network

/// Throughput of seal/open against raw libsodium ChaCha20-Poly1305 on full 65519-byte frames.
/// Opt-in (`NOISE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter NoiseThroughput`):
/// timing is meaningless in debug builds and on a loaded machine, so it only prints. Raw and framed runs
/// alternate per 1 MiB round so that background load hits both alike.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NOISE_BENCH"] != nil))
struct NoiseThroughputTests {
    static let rounds = 256
    static let framesPerRound = 16
    static let write = framesPerRound * NoiseTransport.maxPlaintext   // bytes per seal call (~1 MiB)

    static func mbps(_ d: Duration) -> Int {
        let c = d.components
        return Int(Double(rounds * write) / (Double(c.seconds) + Double(c.attoseconds) * 1e-18) / 1e6)
    }

    @Test func sealOpenVersusRawLibsodium() throws {
        let key = Sodium.randomBytes(32)
        let clock = ContinuousClock()
        var sender = NoiseTransport(sendKey: key, receiveKey: key)
        var receiver = NoiseTransport(sendKey: key, receiveKey: key)
        let plaintext = [UInt8](repeating: 7, count: Self.write)
        var wire: [UInt8] = [], plain: [UInt8] = []

        // Raw baselines: seal in place; open = copy a sealed frame into place, then decrypt it there.
        var frame = [UInt8](repeating: 7, count: NoiseTransport.maxFrameLength)
        var sealedFrame = frame
        sealedFrame.withUnsafeMutableBytes { Sodium.aeadSealInPlace(key: key, nonce: 0, buffer: $0) }
        var work = sealedFrame

        var rawSeal = Duration.zero, rawOpen = Duration.zero, seal = Duration.zero, open = Duration.zero
        var nonce: UInt64 = 0
        for _ in 0..<Self.rounds {
            rawSeal += clock.measure {
                for _ in 0..<Self.framesPerRound {
                    frame.withUnsafeMutableBytes { Sodium.aeadSealInPlace(key: key, nonce: nonce, buffer: $0) }
                    nonce += 1
                }
            }
            rawOpen += clock.measure {
                for _ in 0..<Self.framesPerRound {
                    work.withUnsafeMutableBytes { w in
                        sealedFrame.withUnsafeBytes { w.copyMemory(from: $0) }
                        precondition(Sodium.aeadOpenInPlace(key: key, nonce: 0, buffer: w))
                    }
                }
            }
            wire.removeAll(keepingCapacity: true)
            plain.removeAll(keepingCapacity: true)
            seal += try clock.measure { try sender.seal(plaintext, appendingTo: &wire) }
            open += try clock.measure { try receiver.open(wire, appendingTo: &plain) }
        }
        #expect(plain == plaintext)
        print("NoiseThroughput: raw seal \(Self.mbps(rawSeal)) MB/s, raw copy+open \(Self.mbps(rawOpen)) MB/s; "
              + "NoiseTransport seal \(Self.mbps(seal)) MB/s, open \(Self.mbps(open)) MB/s")
    }
}
