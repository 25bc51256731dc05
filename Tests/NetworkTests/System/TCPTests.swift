#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Network

/// A connected pair on 127.0.0.1, obtained through a real reactor.
private func connectedPair(_ reactor: Reactor) throws -> (client: TCPSocket, server: TCPSocket, listener: TCPListener) {
    let listener = try TCPListener.bind(.loopbackIPv4(port: 0))
    let client = try TCPSocket.connect(to: listener.localAddress)
    var server: TCPSocket?
    var connected = false
    var failure: Error?
    let acceptWatch = reactor.watch(listener.fd, .read) { _ in server = try? listener.accept() }
    var dialWatch: WatchID?
    dialWatch = reactor.watch(client.fd, .write) { _ in
        do { try client.finishConnect(); connected = true } catch { failure = error }
        reactor.unwatch(dialWatch!)
    }
    try drive(reactor) { (server != nil && connected) || failure != nil }
    reactor.unwatch(acceptWatch)
    #expect(failure == nil)
    return (client, try #require(server), listener)
}

@Suite struct TCPTests {
    @Test func listenerOnPortZeroReportsTheRealPort() throws {
        let listener = try TCPListener.bind(.loopbackIPv4(port: 0))
        #expect(listener.localAddress.port != 0)
        #expect(listener.localAddress.addressBytes == [127, 0, 0, 1])
        #expect(try listener.accept() == nil)         // nothing pending: would block
        listener.close()
        listener.close()                               // idempotent
        #expect(listener.fd == -1)
    }

    @Test func acceptedAndDialedEndsAgreeOnAddresses() throws {
        let reactor = Reactor()
        let (client, server, listener) = try connectedPair(reactor)
        #expect(client.remoteAddress == listener.localAddress)
        #expect(server.remoteAddress == client.localAddress)
        #expect(server.localAddress == listener.localAddress)
    }

    /// 1 MiB each way through the reactor: partial writes, would-block, write interest only while
    /// an outbox is non-empty — the pattern the Host uses.
    @Test func echoThroughTheReactor() throws {
        let reactor = Reactor()
        let (client, server, _) = try connectedPair(reactor)
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)

        var echoOutbox: [UInt8] = []
        var serverWatch: WatchID?
        serverWatch = reactor.watch(server.fd, .read) { readiness in
            if readiness.contains(.read) {
                while case .bytes(let n) = try! server.read(into: &buffer) { echoOutbox += buffer[0..<n] }
            }
            if let taken = try! server.write(echoOutbox[...]) { echoOutbox.removeFirst(taken) }
            reactor.update(serverWatch!, echoOutbox.isEmpty ? .read : [.read, .write])
        }

        var sent = 0
        var received: [UInt8] = []
        var clientWatch: WatchID?
        clientWatch = reactor.watch(client.fd, [.read, .write]) { readiness in
            if readiness.contains(.write) {
                while sent < payload.count, let n = try! client.write(payload[sent...]) { sent += n }
                if sent == payload.count { reactor.update(clientWatch!, .read) }
            }
            if readiness.contains(.read) {
                while case .bytes(let n) = try! client.read(into: &buffer) { received += buffer[0..<n] }
            }
        }
        try drive(reactor, maxTicks: 5000) { received.count >= payload.count }
        #expect(received == payload)
    }

    @Test func connectingToAClosedPortIsRefused() throws {
        let closed = try TCPListener.bind(.loopbackIPv4(port: 0))
        let address = closed.localAddress
        closed.close()

        let reactor = Reactor()
        var outcome: Error?
        do {
            let socket = try TCPSocket.connect(to: address)
            var id: WatchID?
            id = reactor.watch(socket.fd, .write) { _ in
                reactor.unwatch(id!)
                do { try socket.finishConnect() } catch { outcome = error }
            }
            try drive(reactor) { outcome != nil }
        } catch {
            outcome = error                          // the kernel may refuse at once
        }
        let errno = try #require(outcome as? Errno)
        #expect(errno == .connectionRefused)
        #expect(errno.call == "connect")
        #expect(errno.description.hasPrefix("connect: ECONNREFUSED"))
    }

    @Test func readReturnsEOFAfterPeerCloses() throws {
        let reactor = Reactor()
        let (client, server, _) = try connectedPair(reactor)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(try client.read(into: &buffer) == .wouldBlock)
        _ = try server.write([1, 2, 3][...])
        server.close()

        var results: [ReadResult] = []
        _ = reactor.watch(client.fd, .read) { _ in results.append(try! client.read(into: &buffer)) }
        try drive(reactor) { results.contains(.eof) }
        #expect(results.first == .bytes(3))
        #expect(results.last == .eof)
        #expect(buffer[0..<3] == [1, 2, 3])
    }

    @Test func shutdownWriteIsAHalfClose() throws {
        let reactor = Reactor()
        let (client, server, _) = try connectedPair(reactor)
        client.shutdownWrite()
        var buffer = [UInt8](repeating: 0, count: 64)
        var serverSaw: ReadResult?
        let id = reactor.watch(server.fd, .read) { _ in serverSaw = try! server.read(into: &buffer) }
        try drive(reactor) { serverSaw != nil }
        #expect(serverSaw == .eof)
        reactor.unwatch(id)

        _ = try server.write([9, 9][...])            // the other direction still works
        var clientSaw: ReadResult?
        _ = reactor.watch(client.fd, .read) { _ in clientSaw = try! client.read(into: &buffer) }
        try drive(reactor) { clientSaw != nil }
        #expect(clientSaw == .bytes(2))
    }

    /// Writing to a peer that closed must throw EPIPE/ECONNRESET, not kill the process with SIGPIPE.
    @Test func writingToAClosedPeerThrowsInsteadOfRaisingSIGPIPE() throws {
        let reactor = Reactor()
        let (client, server, _) = try connectedPair(reactor)
        server.close()
        _ = reactor.watch(client.fd, .read) { _ in }      // lets the reactor notice the FIN/RST
        var failure: Error?
        let chunk = [UInt8](repeating: 7, count: 4096)
        try drive(reactor, tick: .milliseconds(10)) {
            do { _ = try client.write(chunk[...]) } catch { failure = error }
            return failure != nil
        }
        let errno = try #require(failure as? Errno)
        #expect(errno == .brokenPipe || errno == .connectionReset)
    }

    @Test func ipv6LoopbackWhenAvailable() throws {
        // Containers without IPv6 refuse ::1; that is the environment, not a failure.
        guard let listener = try? TCPListener.bind(.loopbackIPv6(port: 0)) else { return }
        #expect(listener.localAddress.family == .ipv6)
        #expect(listener.localAddress.port != 0)
        let reactor = Reactor()
        let client = try TCPSocket.connect(to: listener.localAddress)
        var accepted: TCPSocket?
        _ = reactor.watch(listener.fd, .read) { _ in accepted = try? listener.accept() }
        try drive(reactor) { accepted != nil }
        #expect(accepted?.remoteAddress == client.localAddress)
    }
}
