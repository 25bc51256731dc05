import Testing
@testable import Network

/// `UDPSocket` on loopback and on the mDNS group, through a real reactor.
@Suite struct UDPSocketTests {
    @Test func unicastRoundTripAndWouldBlock() throws {
        let reactor = Reactor()
        let a = try UDPSocket.bind(.loopbackIPv4(port: 0)), b = try UDPSocket.bind(.loopbackIPv4(port: 0))
        #expect(try a.receive() == nil, "nothing waiting: nil, not an error")
        #expect(try b.send([1, 2, 3], to: a.localAddress))
        var got: (bytes: [UInt8], from: SocketAddress)?
        reactor.watch(a.fd, .read) { _ in got = (try? a.receive()) ?? nil }
        try drive(reactor) { got != nil }
        #expect(got?.bytes == [1, 2, 3] && got?.from == b.localAddress)
    }

    @Test func twoMulticastSocketsShareAPortAndHearTheGroup() throws {
        let port = UInt16.random(in: 30000...39999)
        let first = try UDPSocket.bindMulticast(port: port), second = try UDPSocket.bindMulticast(port: port)
        let interfaces = IPv4Interface.all()
        let usable = interfaces.filter { $0.isMulticast && !$0.isLoopback }
        let via = (usable.isEmpty ? interfaces.filter(\.isLoopback) : usable)[0].address
        try first.join(UDPSocket.mdnsGroup, on: via)
        try second.join(UDPSocket.mdnsGroup, on: via)
        let reactor = Reactor()
        var heard: [Int] = []
        reactor.watch(first.fd, .read) { _ in while (try? first.receive()) ?? nil != nil { heard.append(1) } }
        reactor.watch(second.fd, .read) { _ in while (try? second.receive()) ?? nil != nil { heard.append(2) } }
        #expect(try first.sendMulticast([7], group: UDPSocket.mdnsGroup, port: port, via: via))
        try drive(reactor) { heard.contains(1) && heard.contains(2) }
    }

    /// An IPv6 interface that can carry multicast, if this machine has one (CI machines may not).
    static let ipv6MulticastInterface = IPv6Interface.all().first { $0.isMulticast && !$0.isLoopback }

    @Test(.enabled(if: ipv6MulticastInterface != nil, "no IPv6 multicast interface on this machine"))
    func twoIPv6MulticastSocketsShareAPortAndHearTheGroup() throws {
        let interface = try #require(Self.ipv6MulticastInterface)
        let port = UInt16.random(in: 30000...39999)
        let first = try UDPSocket.bindMulticastIPv6(port: port), second = try UDPSocket.bindMulticastIPv6(port: port)
        let ipv4 = try UDPSocket.bindMulticast(port: port)   // V6ONLY: the IPv4 side of the port is still free
        #expect(first.localAddress == .ipv6(address: [UInt8](repeating: 0, count: 16), port: port))
        try first.join(ipv6Group: UDPSocket.mdnsGroupIPv6, interfaceIndex: interface.index)
        try second.join(ipv6Group: UDPSocket.mdnsGroupIPv6, interfaceIndex: interface.index)
        let reactor = Reactor()
        var heard: [(Int, SocketAddress)] = []
        for (n, socket) in [(1, first), (2, second), (4, ipv4)] {
            reactor.watch(socket.fd, .read) { _ in while let (_, from) = (try? socket.receive()) ?? nil { heard.append((n, from)) } }
        }
        #expect(try first.sendMulticast([7], ipv6Group: UDPSocket.mdnsGroupIPv6, port: port, interfaceIndex: interface.index))
        try drive(reactor) { heard.contains { $0.0 == 1 } && heard.contains { $0.0 == 2 } }
        #expect(!heard.contains { $0.0 == 4 }, "the IPv4 socket hears no IPv6 datagram")
        // The sender is one of the interface's own addresses (link-local, for an ff02:: group).
        #expect(heard.allSatisfy { interface.addresses.contains($0.1.addressBytes) })
    }

    @Test func ipv6Interfaces() {
        let all = IPv6Interface.all()
        #expect(all.allSatisfy { $0.index > 0 && $0.addresses.allSatisfy { $0.count == 16 } })
        #expect(Set(all.map(\.name)).count == all.count, "one entry per interface, its addresses gathered")
        #expect(IPv6Interface.isLinkLocal([0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]))
        #expect(IPv6Interface.isLinkLocal([0xfe, 0xbf] + [UInt8](repeating: 0, count: 14)))
        #expect(!IPv6Interface.isLinkLocal([0xfd, 0x00] + [UInt8](repeating: 0, count: 13) + [2]))
        #expect(!IPv6Interface.isLinkLocal([0xfe, 0xc0] + [UInt8](repeating: 0, count: 14)))
        // NetworkInterfaces (what wildcard listeners advertise) lists the same IPv6 addresses.
        let advertised = NetworkInterfaces.addresses().filter { $0.family == .ipv6 }.map(\.addressBytes)
        #expect(Set(advertised) == Set(all.flatMap(\.addresses)))
    }

    @Test func sendingToAClosedSocketIsATypedError() throws {
        let socket = try UDPSocket.bind(.loopbackIPv4(port: 0))
        socket.close()
        #expect(throws: Errno.badFileDescriptor) { try socket.send([1], to: .loopbackIPv4(port: 9)) }
    }

    @Test func interfaceSubnets() {
        let lan = IPv4Interface(name: "eth0", address: [10, 1, 2, 3], netmask: [255, 255, 0, 0], isLoopback: false, isMulticast: true)
        #expect(lan.contains([10, 1, 200, 7]))
        #expect(!lan.contains([10, 2, 0, 1]))
        #expect(!lan.contains([1, 2, 3]))
        #expect(IPv4Interface.all().contains { $0.isLoopback && $0.address == [127, 0, 0, 1] })
    }
}
