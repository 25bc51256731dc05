#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftProtobuf

/// Errors from decoding identify responses and pushes.
public enum IdentifyError: Error, Equatable, Sendable {
    case badLength(Varint.DecodeError)                 // a length prefix that isn't a valid uvarint
    case messageTooLarge(length: UInt64, limit: Int)   // refused before buffering the body
    case tooManyMessages(limit: Int)                   // more than `Identify.maxMessages` in one stream
    case malformedMessage(String)                      // protobuf that doesn't parse
    case invalidPublicKey(KeyError)                    // publicKey present but not a key we accept (RSA, garbage)
    case truncatedMessage(bufferedBytes: Int)          // EOF inside a message
    case noMessage                                     // EOF before any message
}

/// The identify codec (`/ipfs/id/1.0.0`, push `/ipfs/id/push/1.0.0`).
///
/// The responder (or pusher) writes one or more uvarint-length-prefixed protobuf messages and closes:
///
///     +---------------+-----------------------------------------------+
///     | uvarint(len)  | Identify protobuf (len ≤ 8192)                | … up to 10 times, then EOF
///     +---------------+-----------------------------------------------+
///
///     message Identify {
///       optional bytes  publicKey = 1;        // PublicKey envelope (08 01 12 20 <key> for Ed25519)
///       repeated bytes  listenAddrs = 2;      // binary multiaddrs
///       repeated string protocols = 3;
///       optional bytes  observedAddr = 4;     // binary multiaddr
///       optional string protocolVersion = 5;
///       optional string agentVersion = 6;
///       optional bytes  signedPeerRecord = 8; // signed envelope (py, go)
///     }
///
/// Unknown fields are skipped; an unparsable listen or observed address is dropped (and counted), not fatal.
public enum Identify {
    public static let protocolID = "/ipfs/id/1.0.0"
    public static let pushProtocolID = "/ipfs/id/push/1.0.0"
    /// The largest message we accept (go's limit; go sends ≤ 4 KiB per message).
    public static let maxMessageSize = 8192
    /// The most messages we accept in one response or push.
    public static let maxMessages = 10

    /// One length-prefixed message holding every field of `info` that is set. Callers keep it under
    /// `maxMessageSize` (a handful of addresses and protocols is ~1 KiB).
    public static func encode(_ info: IdentifyInfo) -> [UInt8] {
        LengthPrefixed.frame(encodeMessage(info))
    }

    /// The protobuf body of `info` without the length prefix.
    public static func encodeMessage(_ info: IdentifyInfo) -> [UInt8] {
        var message = IdentifyMessage()
        if let v = info.publicKey { message.publicKey = Data(v.protobuf) }
        message.listenAddrs = info.listenAddrs.map { Data($0.bytes) }
        message.protocols = info.protocols
        if let v = info.observedAddr { message.observedAddr = Data(v.bytes) }
        if let v = info.protocolVersion { message.protocolVersion = v }
        if let v = info.agentVersion { message.agentVersion = v }
        if let v = info.signedPeerRecord { message.signedPeerRecord = Data(v) }
        do {
            return try message.serializedBytes()
        } catch {
            // Only proto2 `required` fields can make serialization fail, and Identify has none.
            preconditionFailure("IdentifyMessage serialization failed: \(error)")
        }
    }

    /// Decodes one message body (no length prefix).
    public static func decodeMessage(_ body: [UInt8]) throws -> IdentifyInfo {
        try decodeCounting(body).info
    }

    /// Decodes one message body and reports how many addresses were dropped as unparsable.
    static func decodeCounting(_ body: [UInt8]) throws -> (info: IdentifyInfo, skippedAddresses: Int) {
        let message: IdentifyMessage
        do { message = try IdentifyMessage(serializedBytes: body) } catch {
            throw IdentifyError.malformedMessage(String(describing: error))
        }
        var info = IdentifyInfo()
        var skipped = 0
        if message.hasPublicKey && !message.publicKey.isEmpty {
            do { info.publicKey = try PublicKey(protobuf: [UInt8](message.publicKey)) } catch let e as KeyError {
                throw IdentifyError.invalidPublicKey(e)
            }
        }
        for raw in message.listenAddrs {
            if let addr = try? Multiaddr(bytes: [UInt8](raw)) { info.listenAddrs.append(addr) } else { skipped += 1 }
        }
        info.listenAddrs = IdentifyInfo.uniqued(info.listenAddrs)
        info.protocols = IdentifyInfo.uniqued(message.protocols.filter { !$0.isEmpty })
        if message.hasObservedAddr && !message.observedAddr.isEmpty {
            if let addr = try? Multiaddr(bytes: [UInt8](message.observedAddr)) { info.observedAddr = addr } else { skipped += 1 }
        }
        if message.hasProtocolVersion && !message.protocolVersion.isEmpty { info.protocolVersion = message.protocolVersion }
        if message.hasAgentVersion && !message.agentVersion.isEmpty { info.agentVersion = message.agentVersion }
        if message.hasSignedPeerRecord && !message.signedPeerRecord.isEmpty {
            info.signedPeerRecord = [UInt8](message.signedPeerRecord)
        }
        return (info, skipped)
    }
}
