import Testing
@testable import Network

@Suite struct IdentifyTests {
    static let key = PrivateKey.generate()

    static func sampleInfo() throws -> IdentifyInfo {
        IdentifyInfo(
            protocolVersion: "ipfs/0.1.0",
            agentVersion: "py-libp2p/0.8.1",
            publicKey: key.publicKey,
            listenAddrs: [try Multiaddr("/ip4/127.0.0.1/tcp/4401/p2p/\(key.peerID)"), try Multiaddr("/ip6/::1/tcp/4401")],
            observedAddr: try Multiaddr("/ip4/127.0.0.1/tcp/53122"),
            protocols: [Identify.protocolID, Identify.pushProtocolID, Ping.protocolID, "/meshsub/1.1.0"],
            signedPeerRecord: Array(repeating: 0xab, count: 213))
    }

    static func read(_ bytes: [UInt8], chunk: Int = .max) throws -> IdentifyInfo {
        var reader = IdentifyReader()
        for piece in WireChunking.split(bytes, chunk) { try reader.feed(piece) }
        return try reader.finish()
    }

    @Test(arguments: WireChunking.sizes)
    func roundTripsInEveryChunking(size: Int) throws {
        let info = try Self.sampleInfo()
        let wire = Identify.encode(info)
        #expect(try Self.read(wire, chunk: size) == info)
        #expect(info.peerID == Self.key.peerID)
    }

    @Test func encodesFieldsInTagOrderWithALengthPrefix() {
        let info = IdentifyInfo(protocolVersion: "p", agentVersion: "a", protocols: ["x", "y"])
        #expect(Identify.encode(info).hex == "0c" + "1a0178" + "1a0179" + "2a0170" + "320161")
        #expect(Identify.encode(IdentifyInfo()).hex == "00")
    }

    @Test func publicKeyIsTheProtobufEnvelope() throws {
        let body = Identify.encodeMessage(IdentifyInfo(publicKey: Self.key.publicKey))
        #expect(body == [0x0a, 36] + Self.key.publicKey.protobuf)
    }

    @Test(arguments: WireChunking.sizes)
    func mergesSeveralMessages(size: Int) throws {
        let a = try Multiaddr("/ip4/10.0.0.1/tcp/1"), b = try Multiaddr("/ip4/10.0.0.2/tcp/2")
        let first = IdentifyInfo(agentVersion: "first", listenAddrs: [a], protocols: ["/p1", "/p2"])
        let second = IdentifyInfo(agentVersion: "second", listenAddrs: [a, b], protocols: ["/p2", "/p3"],
                                  signedPeerRecord: [1, 2, 3])
        let third = IdentifyInfo(publicKey: Self.key.publicKey)
        let wire = Identify.encode(first) + Identify.encode(second) + Identify.encode(third)
        let merged = try Self.read(wire, chunk: size)
        #expect(merged == IdentifyInfo(agentVersion: "second", publicKey: Self.key.publicKey, listenAddrs: [a, b],
                                       protocols: ["/p1", "/p2", "/p3"], signedPeerRecord: [1, 2, 3]))
    }

    @Test(arguments: WireChunking.sizes)
    func toleratesUnknownFieldsAndKeepsTheSignedPeerRecord(size: Int) throws {
        var body: [UInt8] = [0x2a, 0x0a] + Array("ipfs/0.1.0".utf8)
        body += [0x98, 0x06, 0x07]                                     // field 99, varint 7
        body += [0x42, 0x03, 1, 2, 3]                                  // field 8 signedPeerRecord
        body += [0x9a, 0x06, 0x02] + Array("hi".utf8)                  // field 99, length-delimited
        body += [0xa1, 0x06] + [UInt8](repeating: 9, count: 8)         // field 100, fixed64
        body += [0xad, 0x06] + [UInt8](repeating: 9, count: 4)         // field 101, fixed32
        body += [0x1a, 0x10] + Array(Ping.protocolID.utf8)             // field 3 protocols
        let info = try Self.read(LengthPrefixed.frame(body), chunk: size)
        #expect(info == IdentifyInfo(protocolVersion: "ipfs/0.1.0", protocols: [Ping.protocolID],
                                     signedPeerRecord: [1, 2, 3]))
    }

    @Test func skipsMalformedAddresses() throws {
        let good = try Multiaddr("/ip4/10.0.0.1/tcp/1")
        var body: [UInt8] = [0x12, 0x02, 0xff, 0x01]                  // listenAddrs: unknown code 255
        body += [0x12, UInt8(good.bytes.count)] + good.bytes
        body += [0x22, 0x02, 0x04, 0x01]                               // observedAddr: truncated ip4
        var reader = IdentifyReader()
        try reader.feed(LengthPrefixed.frame(body))
        let info = try reader.finish()
        #expect(info.listenAddrs == [good])
        #expect(info.observedAddr == nil)
        #expect(reader.skippedAddresses == 2)
        #expect(reader.messageCount == 1)
    }

    @Test func refusesAPublicKeyThatDoesNotParse() {
        let rsa: [UInt8] = [0x0a, 0x06, 0x08, 0x00, 0x12, 0x02, 0x01, 0x02]
        #expect(throws: IdentifyError.invalidPublicKey(.malformedRSAKey)) {
            try Self.read(LengthPrefixed.frame(rsa))
        }
        let ecdsa: [UInt8] = [0x0a, 0x06, 0x08, 0x03, 0x12, 0x02, 0x01, 0x02]
        #expect(throws: IdentifyError.invalidPublicKey(.malformedECDSAKey)) {
            try Self.read(LengthPrefixed.frame(ecdsa))
        }
        let shortKey: [UInt8] = [0x0a, 0x06, 0x08, 0x01, 0x12, 0x02, 0x01, 0x02]
        #expect(throws: IdentifyError.invalidPublicKey(.badKeyLength(expected: 32, got: 2))) {
            try Self.read(LengthPrefixed.frame(shortKey))
        }
    }

    @Test func refusesMalformedProtobuf() {
        #expect(throws: IdentifyError.self) { try Self.read(LengthPrefixed.frame([0x0a, 0x05, 0x01])) }
        do {
            _ = try Self.read(LengthPrefixed.frame([0x0a, 0x05, 0x01]))
        } catch let IdentifyError.malformedMessage(why) {
            #expect(!why.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: WireChunking.sizes)
    func refusesAnOversizeMessageFromItsHeader(size: Int) {
        let header = Varint.encode(UInt64(Identify.maxMessageSize + 1))
        #expect(throws: IdentifyError.messageTooLarge(length: 8193, limit: 8192)) {
            var reader = IdentifyReader()
            for piece in WireChunking.split(header, size) { try reader.feed(piece) }
        }
    }

    @Test func acceptsAMessageOfExactlyTheLimit() throws {
        let record = [UInt8](repeating: 1, count: Identify.maxMessageSize - 3)   // 0x42 + 2-byte length
        let wire = Identify.encode(IdentifyInfo(signedPeerRecord: record))
        #expect(wire.count == Identify.maxMessageSize + 2)
        #expect(try Self.read(wire).signedPeerRecord == record)
    }

    @Test(arguments: WireChunking.sizes)
    func acceptsTenMessagesButNotEleven(size: Int) throws {
        let one = Identify.encode(IdentifyInfo(protocols: ["/x"]))
        let ten = Array([[UInt8]](repeating: one, count: 10).joined())
        #expect(try Self.read(ten, chunk: size).protocols == ["/x"])
        #expect(throws: IdentifyError.tooManyMessages(limit: 10)) { try Self.read(ten + one, chunk: size) }
    }

    @Test func reportsTruncationAndSilenceAtEOF() throws {
        let wire = Identify.encode(try Self.sampleInfo())
        #expect(throws: IdentifyError.truncatedMessage(bufferedBytes: 5)) { try Self.read(Array(wire.prefix(5))) }
        #expect(throws: IdentifyError.noMessage) { try Self.read([]) }
        #expect(throws: IdentifyError.badLength(.notMinimal)) { try Self.read([0x80, 0x00]) }
    }

    @Test func pushReplacesOnlyWhatItCarries() throws {
        let base = try Self.sampleInfo()
        let push = IdentifyInfo(agentVersion: "py-libp2p/0.8.2", protocols: ["/ipfs/kad/1.0.0"])
        let wire = Identify.encode(push)
        let decoded = try Self.read(wire)
        let updated = base.merging(push: decoded)
        #expect(updated.agentVersion == "py-libp2p/0.8.2")
        #expect(updated.protocols == ["/ipfs/kad/1.0.0"])
        #expect(updated.protocolVersion == base.protocolVersion)
        #expect(updated.listenAddrs == base.listenAddrs)
        #expect(updated.publicKey == base.publicKey)
        #expect(updated.observedAddr == base.observedAddr)
        #expect(updated.signedPeerRecord == base.signedPeerRecord)
        #expect(base.merging(push: IdentifyInfo()) == base)
    }

    @Test func emptyFieldsReadAsAbsent() throws {
        let body: [UInt8] = [0x0a, 0x00, 0x22, 0x00, 0x2a, 0x00, 0x32, 0x00, 0x42, 0x00, 0x1a, 0x00]
        #expect(try Self.read(LengthPrefixed.frame(body)) == IdentifyInfo())
    }
}
