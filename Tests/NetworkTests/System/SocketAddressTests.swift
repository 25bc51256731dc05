import Testing
@testable import Network

@Suite struct SocketAddressTests {
    @Test func parsesAndPrintsLiterals() throws {
        let v4 = try SocketAddress(ip: "10.1.2.3", port: 4001)
        #expect(v4 == .ipv4(address: [10, 1, 2, 3], port: 4001))
        #expect(v4.description == "10.1.2.3:4001")
        let v6 = try SocketAddress(ip: "::1", port: 80)
        #expect(v6 == .loopbackIPv6(port: 80))
        #expect(v6.description == "[::1]:80")
        let full = try SocketAddress(ip: "2001:db8::42", port: 1)
        #expect(full.addressBytes.count == 16)
        #expect(full.ipString == "2001:db8::42")
        #expect(throws: SocketAddressError.invalidIP("example.com")) {
            try SocketAddress(ip: "example.com", port: 1)
        }
    }

    @Test(arguments: ["127.0.0.1", "192.168.255.1", "::1", "fe80::1:2", "2001:db8:0:1::ff"])
    func roundTripsThroughSockaddr(ip: String) throws {
        let address = try SocketAddress(ip: ip, port: 65535)
        let back = try address.withSockAddr { sa, _ in try SocketAddress(sockaddr: sa) }
        #expect(back == address)
        #expect(address.withPort(7).port == 7)
    }

    @Test func resolvesNumericHostsWithoutTheNetwork() throws {
        #expect(try SocketAddress.resolve(host: "127.0.0.1", port: 9) == [.loopbackIPv4(port: 9)])
        #expect(try SocketAddress.resolve(host: "::1", port: 9, family: .ipv6) == [.loopbackIPv6(port: 9)])
    }

    @Test func familyFilterIsApplied() throws {
        #expect(throws: SocketAddressError.self) {
            try SocketAddress.resolve(host: "::1", port: 9, family: .ipv4)
        }
    }

    @Test func resolvesLocalhost() throws {
        let found = try SocketAddress.resolve(host: "localhost", port: 22, family: .ipv4)
        #expect(found.contains(.loopbackIPv4(port: 22)))
    }
}
