import Testing
@testable import Network

@Suite struct MultiaddrTests {
    static let specKey = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    static let specPeer = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
    static let otherPeer = PrivateKey.generate().peerID.base58
    static let certhash = Multibase.encodeBase64URL([0x12, 0x20] + Array(0..<32))

    @Test func specVector() throws {
        let text = "/ip4/192.0.2.42/tcp/443"
        let addr = try Multiaddr(text)
        #expect(addr.bytes.hex == "04c000022a0601bb")
        #expect(try Multiaddr(bytes: WireChunking.bytes("04c000022a0601bb")).description == text)
        #expect(addr.components == [.ip4([192, 0, 2, 42]), .tcp(443)])
    }

    @Test func observedPyListenAddress() throws {
        let text = "/ip4/127.0.0.1/tcp/4401/p2p/\(Self.specPeer)"
        let addr = try Multiaddr(text)
        #expect(addr.bytes.hex == "047f000001061131a503260024" + Self.specKey)
        #expect(try Multiaddr(bytes: addr.bytes) == addr)
        #expect(addr.description == text)
        #expect(addr.peerID?.base58 == Self.specPeer)
        #expect(addr.removingPeerID().description == "/ip4/127.0.0.1/tcp/4401")
        #expect(addr.tcpEndpoint == TCPEndpoint(host: .ip4([127, 0, 0, 1]), port: 4401))
    }

    static var roundTrips: [String] {
        [
            "/ip4/0.0.0.0/tcp/0",
            "/ip4/255.255.255.255/udp/65535",
            "/ip6/::1/tcp/4001",
            "/ip6/2001:db8::1/udp/443/quic-v1",
            "/ip6/::/tcp/1",
            "/dns/example.com/tcp/443/tls/ws",
            "/dns4/bootstrap.libp2p.io/tcp/4001",
            "/dns6/ipv6.example.org/tcp/4001/ws",
            "/dnsaddr/bootstrap.libp2p.io",
            "/dnsaddr/bootstrap.libp2p.io/p2p/\(specPeer)",
            "/ip4/1.2.3.4/tcp/1/p2p/\(specPeer)/p2p-circuit/p2p/\(otherPeer)",
            "/ip4/1.2.3.4/udp/1/quic-v1/certhash/\(certhash)/p2p/\(specPeer)",
            "/p2p/\(specPeer)",
            "/p2p-circuit",
        ]
    }

    @Test(arguments: roundTrips)
    func roundTripsTextAndBinary(text: String) throws {
        let addr = try Multiaddr(text)
        #expect(addr.description == text)
        let again = try Multiaddr(bytes: addr.bytes)
        #expect(again == addr)
        #expect(again.bytes == addr.bytes)
        for component in addr.components {
            var one: [UInt8] = []
            component.encode(into: &one)
            #expect(try MultiaddrComponent(bytes: one) == component)
        }
    }

    @Test func binaryFormOfEachProtocolCode() throws {
        #expect(try Multiaddr("/udp/1").bytes.hex == "91020001")
        #expect(try Multiaddr("/ip6/::1").bytes.hex == "29" + String(repeating: "0", count: 30) + "01")
        #expect(try Multiaddr("/dns/a.b").bytes.hex == "3503612e62")
        #expect(try Multiaddr("/dns4/a").bytes.hex == "360161")
        #expect(try Multiaddr("/dns6/a").bytes.hex == "370161")
        #expect(try Multiaddr("/dnsaddr/a").bytes.hex == "380161")
        #expect(try Multiaddr("/p2p-circuit/quic-v1/ws/tls").bytes.hex == "a202cd03dd03c003")
        #expect(try Multiaddr("/certhash/\(Self.certhash)").bytes.prefix(5).map { $0 }.hex == "d203221220")
    }

    static let ip6Canonical: [(String, String)] = [
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8"),
        ("FE80::ABCD", "fe80::abcd"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::ffff:c000:0201", "::ffff:192.0.2.1"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ]

    @Test(arguments: ip6Canonical)
    func printsIPv6AsRFC5952(input: String, canonical: String) throws {
        let addr = try Multiaddr("/ip6/\(input)")
        #expect(addr.description == "/ip6/\(canonical)")
        #expect(try Multiaddr(addr.description) == addr)
    }

    static let badAddresses: [(String, MultiaddrError)] = [
        ("", .emptyAddress),
        ("/", .emptyAddress),
        ("ip4/1.2.3.4", .notAbsolute("ip4/1.2.3.4")),
        ("/ip5/1.2.3.4", .unknownProtocol("ip5")),
        ("/ip4/1.2.3.4/sctp/1", .unknownProtocol("sctp")),
        ("//ip4/1.2.3.4", .unknownProtocol("")),
        ("/ip4", .missingValue(protocol: "ip4")),
        ("/ip4/1.2.3.4/tcp", .missingValue(protocol: "tcp")),
        ("/ip4/1.2.3.4/tcp/", .missingValue(protocol: "tcp")),
        ("/p2p", .missingValue(protocol: "p2p")),
        ("/ip4/1.2.3.4/tcp/70000", .invalidValue(protocol: "tcp", "bad port \"70000\"")),
        ("/tcp/-1", .invalidValue(protocol: "tcp", "bad port \"-1\"")),
        ("/udp/+1", .invalidValue(protocol: "udp", "bad port \"+1\"")),
        ("/tcp/", .missingValue(protocol: "tcp")),
        ("/p2p/notapeer", .invalidValue(protocol: "p2p", "bad PeerID \"notapeer\"")),
        ("/certhash/x123", .invalidValue(protocol: "certhash", "bad multibase \"x123\"")),
    ]

    @Test(arguments: badAddresses)
    func rejectsBadText(text: String, error: MultiaddrError) {
        #expect(throws: error) { try Multiaddr(text) }
    }

    @Test(arguments: ["1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "a.b.c.d", "1..2.3", "1.2.3.4 ", "::1"])
    func rejectsBadIPv4(text: String) {
        #expect(throws: MultiaddrError.invalidValue(protocol: "ip4", "bad IPv4 address \"\(text)\"")) {
            try Multiaddr("/ip4/\(text)")
        }
    }

    @Test(arguments: [":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3",
                      "1.2.3.4::", "fe80::1%eth0", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":1::", "1::2:",
                      "1:2:3:4:5:6:7:1.2.3.4", "::256.1.1.1", "1.2.3.4"])
    func rejectsBadIPv6(text: String) {
        #expect(throws: MultiaddrError.invalidValue(protocol: "ip6", "bad IPv6 address \"\(text)\"")) {
            try Multiaddr("/ip6/\(text)")
        }
    }

    static let badBinary: [(String, MultiaddrError)] = [
        ("", .emptyAddress),
        ("04c00002", .truncated),
        ("0601", .truncated),
        ("04c000022a06", .truncated),
        ("a5", .truncated),
        ("a503", .truncated),
        ("a5032600", .truncated),
        ("3505616263", .truncated),
        ("ff01", .unknownProtocolCode(255)),
        ("8000", .badVarint(.notMinimal)),
        ("a50302ffff", .invalidValue(protocol: "p2p", "not a PeerID multihash: ffff")),
        ("35022f61", .invalidValue(protocol: "dns", "bad hostname \"/a\"")),
        ("3500", .invalidValue(protocol: "dns", "bad hostname \"\"")),
        ("3502c328", .invalidValue(protocol: "dns", "hostname is not UTF-8")),
        ("d2030212", .truncated),
        ("d203021220", .invalidValue(protocol: "certhash", "not a multihash: 1220")),
    ]

    @Test(arguments: badBinary)
    func rejectsBadBinary(hex: String, error: MultiaddrError) {
        #expect(throws: error) { try Multiaddr(bytes: WireChunking.bytes(hex)) }
    }

    @Test func componentFromBytesRefusesTrailingBytes() {
        #expect(throws: MultiaddrError.trailingBytes(count: 3)) {
            try MultiaddrComponent(bytes: WireChunking.bytes("047f0000010601bb"))
        }
    }

    @Test func acceptsIPFSAliasAndCIDPeerIDs() throws {
        let cid = try PeerID(Self.specPeer).cidV1
        #expect(try Multiaddr("/ipfs/\(Self.specPeer)").description == "/p2p/\(Self.specPeer)")
        #expect(try Multiaddr("/ip4/1.2.3.4/tcp/5/p2p/\(cid)").peerID?.base58 == Self.specPeer)
    }

    @Test func toleratesOneTrailingSlash() throws {
        #expect(try Multiaddr("/ip4/1.2.3.4/tcp/5/").description == "/ip4/1.2.3.4/tcp/5")
    }

    @Test func certhashAcceptsOtherMultibasesAndPrintsBase64URL() throws {
        let hash: [UInt8] = [0x12, 0x20] + Array(0..<32)
        let inputs = ["b" + Base32.encode(hash), "z" + Base58.encode(hash), "f" + hash.hex, Self.certhash]
        for input in inputs {
            let addr = try Multiaddr("/certhash/\(input)")
            #expect(addr.components == [.certhash(hash)])
            #expect(addr.description == "/certhash/\(Self.certhash)")
        }
        #expect(Self.certhash == "uEiAAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw")
    }

    @Test func peerIDHelpers() throws {
        let peer = try PeerID(Self.specPeer)
        let other = try PeerID(Self.otherPeer)
        let base = try Multiaddr("/ip4/10.0.0.1/tcp/4001")
        #expect(base.peerID == nil)
        #expect(base.removingPeerID() == base)
        let withPeer = base.withPeerID(peer)
        #expect(withPeer.peerID == peer)
        #expect(withPeer.withPeerID(other).peerID == other)
        #expect(withPeer.withPeerID(other).components.count == 3)
        #expect(base.appending(.p2p(peer)) == withPeer)
        #expect(base.appending(try Multiaddr("/p2p/\(Self.specPeer)")) == withPeer)
        // A relayed address: the trailing /p2p is the target, not the relay.
        let relayed = try Multiaddr("/ip4/1.2.3.4/tcp/1/p2p/\(Self.specPeer)/p2p-circuit/p2p/\(Self.otherPeer)")
        #expect(relayed.peerID == other)
        #expect(relayed.isRelayed)
        #expect(relayed.tcpEndpoint == nil)
    }

    @Test func tcpEndpoints() throws {
        #expect(try Multiaddr("/ip6/::1/tcp/9").tcpEndpoint == TCPEndpoint(host: .ip6(Array(repeating: 0, count: 15) + [1]), port: 9))
        #expect(try Multiaddr("/dns/a.example/tcp/1").tcpEndpoint == TCPEndpoint(host: .dns("a.example"), port: 1))
        #expect(try Multiaddr("/dns4/a.example/tcp/1").tcpEndpoint?.host == .dns4("a.example"))
        #expect(try Multiaddr("/dns6/a.example/tcp/1").tcpEndpoint?.host == .dns6("a.example"))
        #expect(try Multiaddr("/ip4/1.2.3.4/tcp/1/ws").tcpEndpoint == nil)
        #expect(try Multiaddr("/ip4/1.2.3.4/udp/1").tcpEndpoint == nil)
        #expect(try Multiaddr("/dnsaddr/a.example").tcpEndpoint == nil)
        #expect(try Multiaddr("/ip4/1.2.3.4").tcpEndpoint == nil)
        let endpoint = TCPEndpoint(host: .ip4([1, 2, 3, 4]), port: 80)
        #expect(endpoint.description == "/ip4/1.2.3.4/tcp/80")
        #expect(endpoint.multiaddr.tcpEndpoint == endpoint)
    }

    @Test func fromSocketAddressBytes() throws {
        #expect(try Multiaddr(ipAddress: [127, 0, 0, 1], tcpPort: 4001).description == "/ip4/127.0.0.1/tcp/4001")
        #expect(try Multiaddr(ipAddress: Array(repeating: 0, count: 15) + [1], tcpPort: 1).description == "/ip6/::1/tcp/1")
        #expect(throws: MultiaddrError.self) { try Multiaddr(ipAddress: [1, 2, 3], tcpPort: 1) }
    }

    @Test func hashableByValue() throws {
        let set: Set<Multiaddr> = [try Multiaddr("/ip6/0::1/tcp/1"), try Multiaddr("/ip6/::1/tcp/1")]
        #expect(set.count == 1)
    }

    @Test func privateRanges() throws {
        for text in ["/ip4/10.1.2.3/tcp/1", "/ip4/172.16.0.1/tcp/1", "/ip4/172.31.255.1/tcp/1", "/ip4/192.168.1.7/tcp/1",
                     "/ip4/100.64.0.1/tcp/1", "/ip4/169.254.3.4/tcp/1", "/ip6/fd00::2/tcp/1", "/ip6/fc00::1/tcp/1",
                     "/ip6/fe80::1/tcp/1"] {
            #expect(try Multiaddr(text).isPrivate, "\(text)")
        }
        for text in ["/ip4/172.32.0.1/tcp/1", "/ip4/192.0.2.42/tcp/1", "/ip4/100.128.0.1/tcp/1", "/ip4/127.0.0.1/tcp/1",
                     "/ip6/2001:db8::1/tcp/1", "/dns4/example.com/tcp/1"] {
            #expect(try !Multiaddr(text).isPrivate, "\(text)")
        }
    }

    /// Public first, then private, loopback last; each group in the peer's own order; non-TCP dropped.
    @Test func thirdPartyDialOrder() throws {
        let given = try ["/ip4/127.0.0.1/tcp/1", "/ip4/192.168.1.7/tcp/2", "/ip4/192.0.2.42/tcp/3", "/ip6/::1/tcp/4",
                         "/ip4/10.0.0.1/tcp/5", "/ip6/2001:db8::1/tcp/6", "/ip4/192.0.2.43/udp/7/quic-v1"].map(Multiaddr.init)
        let expected = try ["/ip4/192.0.2.42/tcp/3", "/ip6/2001:db8::1/tcp/6", "/ip4/192.168.1.7/tcp/2", "/ip4/10.0.0.1/tcp/5",
                            "/ip4/127.0.0.1/tcp/1", "/ip6/::1/tcp/4"].map(Multiaddr.init)
        #expect(Multiaddr.tcpDialOrder(given) == expected)
    }
}
