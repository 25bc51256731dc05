import Testing
@testable import Network

/// The AutoNAT v1 wire: both messages round-trip, py-libp2p's encoding (built here field by field, as its
/// protobuf writes them) decodes, unknown fields are skipped, and malformed input is a typed error.
@Suite struct AutoNATMessageTests {
    let peer = PrivateKey.generate().peerID
    let address = try! Multiaddr("/ip4/203.0.113.7/tcp/4001")

    @Test func dialAndResponseRoundTrip() throws {
        let dial = AutoNATMessage.dial(peer: peer.bytes, addresses: [address.bytes, try Multiaddr("/ip6/::1/tcp/1").bytes])
        #expect(try AutoNATMessage(decoding: dial.encoded()) == dial)
        for response in [AutoNATResponse(status: .ok, address: address.bytes),
                         AutoNATResponse(status: .dialError, text: "all dials failed"),
                         AutoNATResponse(status: .dialRefused), AutoNATResponse(status: .badRequest, text: "é"),
                         AutoNATResponse(status: .internalError)] {
            #expect(try AutoNATMessage(decoding: AutoNATMessage.dialResponse(response).encoded()) == .dialResponse(response))
        }
    }

    /// `08 00 12 <Dial { 0a <PeerInfo { 0a id, 12 addr }> }>`, as protobuf (and py) lay it out.
    @Test func theSpecLayout() throws {
        var info: [UInt8] = [0x0a, UInt8(peer.bytes.count)] + peer.bytes
        info += [0x12, UInt8(address.bytes.count)] + address.bytes
        let dial: [UInt8] = [0x0a, UInt8(info.count)] + info
        let message: [UInt8] = [0x08, 0x00, 0x12, UInt8(dial.count)] + dial
        #expect(AutoNATMessage.dial(peer: peer.bytes, addresses: [address.bytes]).encoded() == message)
        // DIAL_RESPONSE { status 100 (two-byte varint), statusText "x" }
        let response: [UInt8] = [0x08, 0x01, 0x1a, 0x05, 0x08, 0x64, 0x12, 0x01, 0x78]
        #expect(try AutoNATMessage(decoding: response) == .dialResponse(AutoNATResponse(status: .dialError, text: "x")))
    }

    @Test func unknownFieldsAreSkipped() throws {
        let plain = AutoNATMessage.dialResponse(AutoNATResponse(status: .ok, address: address.bytes)).encoded()
        let extra: [UInt8] = [0x20, 0x07, 0x2a, 0x02, 0xff, 0xee]   // field 4 varint, field 5 bytes
        #expect(try AutoNATMessage(decoding: plain + extra) == AutoNATMessage(decoding: plain))
    }

    @Test(arguments: [
        [] as [UInt8],                                  // no type
        [0x08, 0x05],                                   // unknown type
        [0x08, 0x00],                                   // DIAL without dial
        [0x08, 0x00, 0x12, 0x00],                       // DIAL without peer
        [0x08, 0x00, 0x12, 0x02, 0x0a, 0x00],           // peer without id
        [0x08, 0x01],                                   // DIAL_RESPONSE without body
        [0x08, 0x01, 0x1a, 0x02, 0x08, 0x07],           // unknown status
        [0x08, 0x01, 0x1a, 0x05, 0x08],                 // truncated
        [0x08, 0xff],                                   // bad varint
    ])
    func malformedInputIsATypedError(bytes: [UInt8]) {
        #expect(throws: AutoNATError.self) { try AutoNATMessage(decoding: bytes) }
    }

    /// Which addresses a server may dial back: the observed one, and the asker's on the observed IP only.
    @Test func dialBackCandidates() throws {
        let observed = SocketAddress.ipv4(address: [203, 0, 113, 7], port: 51_234)
        let asked = try ["/ip4/203.0.113.7/tcp/4001", "/ip4/10.0.0.1/tcp/4001", "/ip4/198.51.100.1/tcp/4001",
                         "/ip4/203.0.113.7/tcp/4001/p2p/\(peer)", "/ip6/2001:db8::1/tcp/4001", "/dns4/example.com/tcp/1",
                         "/ip4/203.0.113.7/udp/4001/quic-v1"].map(Multiaddr.init)
        #expect(AutoNATServer.candidates(asked, observed: observed, allowPrivate: false)
                == [try Multiaddr("/ip4/203.0.113.7/tcp/51234"), try Multiaddr("/ip4/203.0.113.7/tcp/4001")])
        let lan = SocketAddress.ipv4(address: [192, 168, 1, 9], port: 40_000)
        let lanAddress = try Multiaddr("/ip4/192.168.1.9/tcp/4001")
        #expect(AutoNATServer.candidates([lanAddress], observed: lan, allowPrivate: false).isEmpty, "private: refused")
        #expect(AutoNATServer.candidates([lanAddress], observed: lan, allowPrivate: true).count == 2)
        #expect(AutoNATServer.candidates([], observed: .loopbackIPv4(port: 1), allowPrivate: false).isEmpty)
        let many = try (1...20).map { try Multiaddr("/ip4/203.0.113.7/tcp/\($0)") }
        #expect(AutoNATServer.candidates(many, observed: observed, allowPrivate: false).count == AutoNATServer.maxCandidates)
    }
}
