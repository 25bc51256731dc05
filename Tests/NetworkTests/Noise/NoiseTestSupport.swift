import Foundation
@testable import Network

/// Shared helpers for the Noise suites: chunked delivery and an in-memory pump between two handshakes.
enum NoiseTestSupport {
    static let chunkings = [1, 2, 3, 7, Int.max]

    /// Splits `bytes` into pieces of `size` (the last one shorter).
    static func chunks(_ bytes: [UInt8], _ size: Int) -> [ArraySlice<UInt8>] {
        guard !bytes.isEmpty else { return [] }
        return stride(from: 0, to: bytes.count, by: Swift.min(size, bytes.count)).map {
            bytes[$0..<Swift.min($0 + size, bytes.count)]
        }
    }

    /// Shuttles bytes both ways, `chunk` bytes per `receive`, until neither side has anything to send.
    /// Returns every handshake flight in order (who sent it, the framed bytes).
    @discardableResult
    static func pump(_ initiator: NoiseHandshake, _ responder: NoiseHandshake,
                     chunk: Int = .max) throws -> [(fromInitiator: Bool, bytes: [UInt8])] {
        var flights: [(Bool, [UInt8])] = []
        var progressed = true
        while progressed {
            progressed = false
            if let out = initiator.pollTransmit() {
                flights.append((true, out))
                for piece in chunks(out, chunk) { try responder.receive(piece) }
                progressed = true
            }
            if let out = responder.pollTransmit() {
                flights.append((false, out))
                for piece in chunks(out, chunk) { try initiator.receive(piece) }
                progressed = true
            }
        }
        return flights
    }

    /// Splits a u16be-framed byte stream into frame bodies.
    static func frames(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i + 2 <= bytes.count {
            let n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            out.append(Array(bytes[(i + 2)..<Swift.min(i + 2 + n, bytes.count)]))
            i += 2 + n
        }
        return out
    }

    static func framed(_ message: [UInt8]) -> [UInt8] {
        [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
    }

    /// A handshake payload as the spec builds it, with knobs for the malicious variants.
    static func payload(identity: PrivateKey, signing staticPublic: [UInt8], muxers: [String] = []) throws -> [UInt8] {
        var payload = NoiseHandshakePayload()
        payload.identityKey = Data(identity.publicKey.protobuf)
        payload.identitySig = Data(identity.sign(Array("noise-libp2p-static-key:".utf8) + staticPublic))
        if !muxers.isEmpty { payload.extensions.streamMuxers = muxers }
        return try payload.serializedBytes()
    }
}

/// A hand-driven responder that writes msg2 with whatever payload the test supplies.
struct ManualResponder {
    var state: HandshakeState
    let staticSecret: [UInt8]

    /// A fixed `staticSecret` lets a test bring an identity signature made elsewhere (an ECDSA key's, by Python).
    init(staticSecret: [UInt8] = Sodium.randomBytes(32)) throws {
        self.staticSecret = staticSecret
        state = try HandshakeState(initiator: false, prologue: [], staticSecret: staticSecret)
    }

    var staticPublic: [UInt8] { state.staticPublic }

    /// Reads the initiator's framed msg1 and answers with a framed msg2 carrying `payload`.
    mutating func answer(_ framedMsg1: [UInt8], payload: [UInt8]) throws -> [UInt8] {
        _ = try state.readMessage(framedMsg1.dropFirst(2))
        return NoiseTestSupport.framed(try state.writeMessage(payload: payload))
    }
}
