import Testing
@testable import Network

@Suite("DNS message codec")
struct DNSMessageTests {
    static let peer = try! PrivateKey(seed: Sodium.sha256(Array("dns-peer".utf8))).peerID

    static let everyRecordType = DNSMessage(
        id: 0x1234, flags: DNSMessage.responseFlag | DNSMessage.authoritativeFlag,
        questions: [DNSQuestion(name: "_p2p._udp.local", type: .ptr, unicastResponse: true)],
        answers: [DNSRecord(name: "_p2p._udp.local", ttl: 360, data: .ptr("abc._p2p._udp.local"))],
        authorities: [DNSRecord(name: "abc.local", ttl: 1, data: .other(DNSRecordType(rawValue: 47), [1, 2, 3]))],
        additionals: [
            DNSRecord(name: "abc._p2p._udp.local", ttl: 360, data: .txt([Array("dnsaddr=/ip4/1.2.3.4/tcp/1".utf8), [], Array("x".utf8)]), cacheFlush: true),
            DNSRecord(name: "abc._p2p._udp.local", ttl: 360, data: .srv(priority: 1, weight: 2, port: 4001, target: "abc.local"), cacheFlush: true),
            DNSRecord(name: "abc.local", ttl: 120, data: .a([10, 0, 0, 7]), cacheFlush: true),
            DNSRecord(name: "abc.local", ttl: 120, data: .aaaa([0xfd] + [UInt8](repeating: 0, count: 14) + [2])),
        ])

    @Test func roundTripsEveryRecordType() throws {
        let bytes = try Self.everyRecordType.encode()
        #expect(try DNSMessage(decoding: bytes) == Self.everyRecordType)
    }

    @Test func compressesRepeatedNames() throws {
        let bytes = try Self.everyRecordType.encode()
        // "_p2p" is written once: later names point at it.
        let label = Array("\u{4}_p2p".utf8)
        let occurrences = (0...(bytes.count - label.count)).filter { Array(bytes[$0..<$0 + label.count]) == label }
        #expect(occurrences.count == 1)
    }

    @Test func namesCompareWithoutCase() {
        #expect(DNSName("_P2P._udp.LOCAL") == DNSName("_p2p._udp.local."))
        #expect(DNSName("a.local").prepending("x").description == "x.a.local")
    }

    @Test func headerBitsAndMDNSClassBits() throws {
        let bytes = try Self.everyRecordType.encode()
        #expect(Array(bytes[0..<4]) == [0x12, 0x34, 0x84, 0x00])
        let message = try DNSMessage(decoding: bytes)
        #expect(message.isResponse && !message.isTruncated && message.opcode == 0 && message.responseCode == 0)
        #expect(message.questions[0].unicastResponse)
        #expect(message.additionals[0].cacheFlush && !message.answers[0].cacheFlush)
        #expect(message.additionals[0].recordClass == DNSRecord.classIN)
    }

    /// A response built offline by python-zeroconf 0.150.5 (py-libp2p's mDNS library): PTR, then SRV,
    /// TXT (py's `dnsaddr=` / `dnsaddr2=` keys) and A in the additional section, names compressed.
    static let zeroconfResponse = WireChunking.bytes(
        "000084000000000100000003045f703270045f756470056c6f63616c00000c0001000011940027246162636465666768"
        + "696a6b6c6d6e6f707172737475767778797a30313233343536373839c00cc0270021800100000078002d000000000fa1"
        + "246162636465666768696a6b6c6d6e6f707172737475767778797a30313233343536373839c016c027001080010000"
        + "119400b55a646e73616464723d2f6970342f3139322e3136382e312e372f7463702f343030312f7032702f31324433"
        + "4b6f6f5744704a3741733742574177524d6675315655325743714e6a76713338374a45594b44426a346b78366e5854"
        + "4e59646e7361646472323d2f6970342f3132372e302e302e312f7463702f343030312f7032702f313244334b6f6f57"
        + "44704a3741733742574177524d6675315655325743714e6a76713338374a45594b44426a346b78366e58544ec06000"
        + "018001000000780004c0a80107")

    @Test func readsAZeroconfResponse() throws {
        let message = try DNSMessage(decoding: Self.zeroconfResponse)
        let instance = DNSName("abcdefghijklmnopqrstuvwxyz0123456789._p2p._udp.local")
        #expect(message.isResponse)
        #expect(message.answers == [DNSRecord(name: "_p2p._udp.local", ttl: 4500, data: .ptr(instance))])
        #expect(message.additionals.map(\.type) == [.srv, .txt, .a])
        #expect(message.additionals[0].data == .srv(priority: 0, weight: 0, port: 4001,
                                                    target: "abcdefghijklmnopqrstuvwxyz0123456789.local"))
        #expect(message.additionals[1].data.textStrings == [
            "dnsaddr=/ip4/192.168.1.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
            "dnsaddr2=/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
        ])
        #expect(message.additionals[2].data == .a([192, 168, 1, 7]) && message.additionals[2].cacheFlush)
    }

    /// zeroconf's QU query for `_p2p._udp.local PTR`.
    @Test func readsAZeroconfQuery() throws {
        let query = try DNSMessage(decoding: WireChunking.bytes("000000000001000000000000045f703270045f756470056c6f63616c00000c8001"))
        #expect(query.questions == [DNSQuestion(name: "_p2p._udp.local", type: .ptr, unicastResponse: true)])
        #expect(!query.isResponse)
    }

    @Test func everyTruncationIsATypedError() throws {
        for packet in [try Self.everyRecordType.encode(), Self.zeroconfResponse] {
            for length in 0..<packet.count {
                #expect(throws: DNSError.self) { try DNSMessage(decoding: Array(packet[0..<length])) }
            }
        }
    }

    static let header: [UInt8] = [0, 0, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0]   // one question follows

    @Test func pointerToItselfIsALoop() {
        // the name at offset 12 is a pointer to offset 12
        #expect(throws: DNSError.pointerLoop) { try DNSMessage(decoding: Self.header + [0xC0, 12, 0, 1, 0, 1]) }
    }

    @Test func pointersBetweenTwoPlacesLoop() {
        // offset 12: label "a" then pointer to 16; offset 16: pointer to 12
        let packet = Self.header + [1, 0x61, 0xC0, 16, 0xC0, 12, 0, 1, 0, 1]
        #expect(throws: DNSError.pointerLoop) { try DNSMessage(decoding: packet) }
    }

    @Test func pointerPastTheEndIsRejected() {
        #expect(throws: DNSError.pointerOutOfBounds(target: 0x3FFF)) {
            try DNSMessage(decoding: Self.header + [0xFF, 0xFF, 0, 1, 0, 1])
        }
    }

    @Test func reservedLabelTypesAreRejected() {
        #expect(throws: DNSError.reservedLabelType(0x41)) { try DNSMessage(decoding: Self.header + [0x41, 0, 0, 1, 0, 1]) }
        #expect(throws: DNSError.reservedLabelType(0x80)) { try DNSMessage(decoding: Self.header + [0x80, 0, 0, 1, 0, 1]) }
    }

    @Test func namesOver255BytesAreRejected() {
        // five 63-byte labels = 5 * 64 + 1 = 321 bytes
        let long = (0..<5).flatMap { _ in [63] + [UInt8](repeating: 0x61, count: 63) }
        #expect(throws: DNSError.nameTooLong(257)) { try DNSMessage(decoding: Self.header + long + [0, 0, 1, 0, 1]) }
        let name = DNSName(labels: Array(repeating: String(repeating: "a", count: 63), count: 5))
        #expect(throws: DNSError.nameTooLong(321)) { try DNSMessage(questions: [DNSQuestion(name: name, type: .a)]).encode() }
    }

    @Test func labelsOver63BytesAreNotEncoded() {
        let name = DNSName(labels: [String(repeating: "a", count: 64)])
        #expect(throws: DNSError.labelTooLong(64)) { try DNSMessage(questions: [DNSQuestion(name: name, type: .a)]).encode() }
    }

    @Test func recordCountLimit() {
        let tooMany: [UInt8] = [0, 0, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0]   // 257 questions
        #expect(throws: DNSError.tooManyRecords(257)) { try DNSMessage(decoding: tooMany) }
        let message = DNSMessage(questions: Array(repeating: DNSQuestion(name: "a", type: .a), count: DNSMessage.maxRecords + 1))
        #expect(throws: DNSError.tooManyRecords(257)) { try message.encode() }
    }

    @Test func packetSizeLimit() {
        #expect(throws: DNSError.packetTooLarge(9001)) { try DNSMessage(decoding: [UInt8](repeating: 0, count: 9001)) }
        let big = DNSRecord(name: "a", ttl: 1, data: .other(DNSRecordType(rawValue: 99), [UInt8](repeating: 0, count: 9000)))
        #expect(throws: DNSError.packetTooLarge(9025)) { try DNSMessage(answers: [big]).encode() }
    }

    @Test func recordDataMustFitItsType() {
        let record: [UInt8] = [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3]   // root name, A, length 3
        let answerHeader: [UInt8] = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        #expect(throws: DNSError.badRecordData(.a, length: 3)) { try DNSMessage(decoding: answerHeader + record) }
        // TXT whose string length runs past RDLENGTH
        let txt: [UInt8] = [0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, 0x61]
        #expect(throws: DNSError.badRecordData(.txt, length: 2)) { try DNSMessage(decoding: answerHeader + txt) }
        // PTR whose name runs past RDLENGTH into the next bytes
        let ptr: [UInt8] = [0, 0, 12, 0, 1, 0, 0, 0, 1, 0, 2, 1, 0x61, 0]
        #expect(throws: DNSError.self) { try DNSMessage(decoding: answerHeader + ptr) }
    }

    @Test func txtStringsOver255BytesAreNotEncoded() {
        let record = DNSRecord(name: "a", ttl: 1, data: .txt([[UInt8](repeating: 0x61, count: 256)]))
        #expect(throws: DNSError.txtStringTooLong(256)) { try DNSMessage(answers: [record]).encode() }
    }

    /// Random bytes and random damage to a real packet never crash or hang the decoder.
    @Test func survivesRandomDamage() throws {
        var rng = SplitMix64(seed: 6)
        let packet = try Self.everyRecordType.encode()
        for _ in 0..<2000 {
            var damaged = packet
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? DNSMessage(decoding: damaged)
            _ = try? DNSMessage(decoding: (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}
