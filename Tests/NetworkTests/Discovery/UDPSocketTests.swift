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
