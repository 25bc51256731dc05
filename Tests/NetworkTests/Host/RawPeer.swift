#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import Network

/// An adversarial libp2p dialer that speaks the wire by hand: a nonblocking `TCPSocket` watched by the
/// harness's reactor, plus the sans-IO machines driven step by step. A test brings the connection to the
/// stage it wants (raw TCP → mss(/noise) → Noise XX → mss(/yamux) or inlined yamux) and then sends
/// crafted bytes, raw (`send`) or encrypted (`sendSealed`).
///
/// Every wait goes through `HostHarness.run`, so the host on the other end makes progress meanwhile.
final class RawPeer {
    static let header = MultistreamMessage.encode(MultistreamSelect.protocolID)
    static let na: [UInt8] = [0x03, 0x6e, 0x61, 0x0a]

    let harness: HostHarness
    let identity: PrivateKey
    let socket: TCPSocket
    private var watch: WatchID?
    private var outbox: [UInt8] = []
    private(set) var isConnected = false
    /// The host closed its side (EOF) or reset the connection.
    private(set) var isClosedByRemote = false
    private(set) var socketError: Errno?
    /// Raw bytes from the host not yet consumed by a stage.
    var received: [UInt8] = []
    /// After `secure`: the transport, and decrypted bytes not yet consumed.
    private(set) var transport: NoiseTransport?
    var plaintext: [UInt8] = []

    var peerID: PeerID { identity.peerID }

    /// Dials `address` (a host's listener) and waits until TCP is up.
    convenience init(connectingTo address: Multiaddr, in harness: HostHarness, identity: PrivateKey = .generate()) throws {
        try self.init(socket: TCPSocket.connect(to: TCPTransport.dialAddress(address)), in: harness, identity: identity)
        try harness.run("raw peer connected") { isConnected || isClosedByRemote }
    }

    /// Waits for a host to dial `listener` and takes that connection (the raw peer is then the listener side).
    convenience init(acceptingFrom listener: TCPListener, in harness: HostHarness, identity: PrivateKey = .generate()) throws {
        var accepted: TCPSocket?
        try harness.run("raw peer accepted") { accepted = try listener.accept(); return accepted != nil }
        try self.init(socket: accepted!, in: harness, identity: identity)
        isConnected = true
    }

    private init(socket: TCPSocket, in harness: HostHarness, identity: PrivateKey) throws {
        self.harness = harness
        self.identity = identity
        self.socket = socket
        watch = harness.reactor.watch(socket.fd, [.read, .write]) { [weak self] in self?.handle($0) }
        harness.register(self)
    }

    // MARK: Socket

    private func handle(_ readiness: Readiness) {
        if !isConnected {
            do { try socket.finishConnect() } catch let e as Errno { socketError = e; stop(); return } catch { return }
            isConnected = true
        }
        if readiness.contains(.write) { flush() }
        guard readiness.contains(.read) || readiness.contains(.hangup) || readiness.contains(.error) else { return }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while watch != nil {
            do {
                switch try socket.read(into: &buffer) {
                case .wouldBlock: return
                case .eof: stop(); return
                case .bytes(let n): received += buffer[0..<n]
                }
            } catch let e as Errno { socketError = e; stop(); return } catch { return }
        }
    }

    private func flush() {
        while !outbox.isEmpty {
            do {
                guard let n = try socket.write(outbox[...]) else { break }
                outbox.removeFirst(n)
            } catch let e as Errno { socketError = e; outbox = []; break } catch { break }
        }
        if let watch { harness.reactor.update(watch, outbox.isEmpty ? .read : [.read, .write]) }
    }

    private func stop() {
        isClosedByRemote = true
        if let watch { harness.reactor.unwatch(watch) }
        watch = nil
    }

    /// Queues raw bytes and writes what the kernel takes now; the rest goes out as the socket drains.
    func send(_ bytes: [UInt8]) {
        outbox += bytes
        flush()
    }

    /// Waits until everything queued is in the kernel.
    func drain() throws {
        try harness.run("outbox drained") { outbox.isEmpty || isClosedByRemote }
    }

    /// Sends FIN once everything queued is out.
    func closeWrite() throws {
        try drain()
        socket.shutdownWrite()
    }

    func close() {
        if let watch { harness.reactor.unwatch(watch) }
        watch = nil
        socket.close()
    }

    /// Closes with RST instead of FIN (`SO_LINGER` 0), as a crashed or impatient peer does.
    func abort() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(socket.fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Waits until the host drops the connection (EOF or reset).
    func waitUntilClosedByRemote() throws {
        try harness.run("host closed the raw connection") { isClosedByRemote }
    }

    /// Waits for `count` raw bytes and takes them.
    func receive(_ count: Int) throws -> [UInt8] {
        try harness.run("\(count) raw bytes") { received.count >= count || isClosedByRemote }
        guard received.count >= count else { throw RawPeerError.closed(waitingFor: "\(count) raw bytes") }
        defer { received.removeFirst(count) }
        return Array(received[0..<count])
    }

    // MARK: multistream-select

    /// Negotiates on the raw connection (security) or, once secured, inside Noise (muxer), with the real
    /// dialer machine. Bytes after the agreement stay in `received` / `plaintext`.
    func negotiate(_ proposals: [String]) throws -> String {
        var mss = MultistreamSelect.dialer(proposals: proposals)
        while mss.negotiated == nil {
            while let out = mss.pollTransmit() { transport == nil ? send(out) : try sendSealed(out) }
            let input = try takeInput()
            try mss.receive(input[...])
        }
        if transport == nil { received = mss.takeRemainder() + received } else { plaintext = mss.takeRemainder() + plaintext }
        return mss.negotiated!
    }

    /// Waits for input at the current layer and takes all of it.
    private func takeInput() throws -> [UInt8] {
        if transport == nil {
            try harness.run("raw input") { !received.isEmpty || isClosedByRemote }
            guard !received.isEmpty else { throw RawPeerError.closed(waitingFor: "mss answer") }
            defer { received = [] }
            return received
        }
        try harness.run("plaintext input") { try decryptAvailable(); return !plaintext.isEmpty || isClosedByRemote }
        guard !plaintext.isEmpty else { throw RawPeerError.closed(waitingFor: "mss answer inside Noise") }
        defer { plaintext = [] }
        return plaintext
    }

    // MARK: Noise

    /// Runs Noise XX as initiator by hand. `payload` builds msg3's payload from our X25519 static public key
    /// (the honest one signs exactly that key); `muxers` goes into its extensions (yamux there = inlined
    /// muxer negotiation, no mss inside Noise).
    func secure(muxers: [String] = [], payload: ((_ staticPublic: [UInt8]) throws -> [UInt8])? = nil) throws {
        var state = try HandshakeState(initiator: true, prologue: [], staticSecret: Sodium.randomBytes(32))
        send(NoiseTestSupport.framed(try state.writeMessage(payload: [])))
        let msg2 = try receiveNoiseFrame()
        _ = try state.readMessage(msg2[...])
        let body = try payload?(state.staticPublic)
            ?? NoiseTestSupport.payload(identity: identity, signing: state.staticPublic, muxers: muxers)
        send(NoiseTestSupport.framed(try state.writeMessage(payload: body)))
        let (sendKey, receiveKey) = state.split()
        transport = NoiseTransport(send: sendKey, receive: receiveKey)
        try decryptAvailable()
    }

    private func receiveNoiseFrame() throws -> [UInt8] {
        let head = try receive(2)
        return try receive(Int(head[0]) << 8 | Int(head[1]))
    }

    /// `plaintext` encrypted into transport frames, without sending them (for tampering).
    func seal(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard var t = transport else { throw RawPeerError.notSecured }
        var out: [UInt8] = []
        try t.seal(plaintext, appendingTo: &out)
        transport = t
        return out
    }

    func sendSealed(_ plaintext: [UInt8]) throws { send(try seal(plaintext)) }

    /// Moves every whole transport frame in `received` into `plaintext`.
    func decryptAvailable() throws {
        guard var t = transport, !received.isEmpty else { return }
        let input = received
        received = []
        try t.open(input, appendingTo: &plaintext)
        transport = t
    }

    /// Waits until the decrypted input holds `count` bytes and takes them.
    func receivePlaintext(_ count: Int) throws -> [UInt8] {
        try harness.run("\(count) plaintext bytes") {
            try decryptAvailable()
            return plaintext.count >= count || isClosedByRemote
        }
        guard plaintext.count >= count else { throw RawPeerError.closed(waitingFor: "\(count) plaintext bytes") }
        defer { plaintext.removeFirst(count) }
        return Array(plaintext[0..<count])
    }

    // MARK: Shortcuts

    /// Connects to `host` and authenticates honestly: mss(/noise), Noise XX listing yamux (inlined muxer).
    /// The host then treats the connection as multiplexed, and its identify SYN (stream 2) is on its way.
    static func muxed(to host: TestHost, in harness: HostHarness) throws -> RawPeer {
        let peer = try RawPeer(connectingTo: host.address, in: harness)
        _ = try peer.negotiate([NoiseHandshake.protocolID])
        try peer.secure(muxers: [YamuxFrame.protocolID])
        try harness.run("host reports the raw peer") { host.host.isConnected(peer.peerID) }
        return peer
    }
}

extension RawPeer {
    /// The whole yamux frames at the start of `bytes` (a partial last frame is left out).
    static func yamuxFrames(_ bytes: [UInt8]) -> [(frame: YamuxFrame, payload: [UInt8])] {
        var out: [(YamuxFrame, [UInt8])] = []
        var offset = 0
        while bytes.count - offset >= YamuxFrame.headerLength,
              let frame = try? YamuxFrame.decode(Array(bytes[offset..<(offset + YamuxFrame.headerLength)])) {
            let n = frame.type == .data ? Int(frame.length) : 0
            guard bytes.count - offset - YamuxFrame.headerLength >= n else { break }
            offset += YamuxFrame.headerLength
            out.append((frame, Array(bytes[offset..<(offset + n)])))
            offset += n
        }
        return out
    }
}

enum RawPeerError: Error {
    case closed(waitingFor: String)
    case notSecured
}

extension MultistreamMessage {
    /// One framed message, for byte-exact expectations.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        append(text, to: &out)
        return out
    }
}
