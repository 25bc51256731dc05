/// `/ipfs/ping/1.0.0`: we echo peers' pings, and `ping(_:)` measures a round trip to a peer.
extension Host {
    /// Sends one ping; the result arrives as `.pingResult`. A ping whose connection this host replaces under it
    /// (two peers that dialed each other at once keep one connection: `connectionEstablished`) is sent again once
    /// on the connection that stays, instead of failing. (When the peer drops that connection first, the ping
    /// fails with the connection, as every stream on it does.)
    public func ping(_ peer: PeerID) { ping(peer, retryOnReplacement: true) }

    func ping(_ peer: PeerID, retryOnReplacement: Bool) {
        let client = PingClient(host: self, retryOnReplacement: retryOnReplacement)
        do {
            _ = try newStream(to: peer, protocols: [Ping.protocolID], handler: client)
        } catch let e as HostError {
            emit(.pingResult(peer, .failure(e)))
        } catch {
            emit(.pingResult(peer, .failure(.connectionClosed(reason: "\(error)"))))
        }
    }
}

/// Echoes whole 32-byte ping payloads back on the same stream.
final class PingService: StreamHandler {
    var responder = PingResponder()

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        let echo = responder.receive(bytes)
        if !echo.isEmpty { stream.write(echo) }
    }

    func streamRemoteClosed(_ stream: HostStream) { stream.closeWrite() }
}

/// One ping: send 32 random bytes, time the echo, close. A 10 s timer bounds the wait.
final class PingClient: StreamHandler {
    unowned let host: Host
    let retryOnReplacement: Bool
    var pinger = Pinger()
    var timer: TimerID?
    var done = false

    init(host: Host, retryOnReplacement: Bool) {
        self.host = host
        self.retryOnReplacement = retryOnReplacement
    }

    func streamOpened(_ stream: HostStream) {
        do { stream.write(try pinger.start(now: host.reactor.preciseNow)) } catch let e as PingError {
            complete(stream, .failure(.pingFailed(e)))
            stream.reset()
            return
        } catch { return }
        timer = host.reactor.schedule(after: Ping.timeout) { [weak self, weak stream] in
            guard let self, let stream else { return }
            self.timer = nil
            self.complete(stream, .failure(.pingFailed(.timedOut(after: Ping.timeout))))
            stream.reset()
        }
    }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        do {
            if let rtt = try pinger.receive(bytes, now: host.reactor.preciseNow) {
                complete(stream, .success(rtt))
                stream.closeWrite()
            }
        } catch let e as PingError {
            complete(stream, .failure(.pingFailed(e)))
            stream.reset()
        } catch {}
    }

    func streamClosed(_ stream: HostStream, error: HostError?) {
        if !done, retryOnReplacement, let current = host.connectionByPeer[stream.peer],
           current !== stream.connection, current.isMuxed, !current.isClosed {
            done = true
            if let timer { host.reactor.cancel(timer) }
            timer = nil
            host.ping(stream.peer, retryOnReplacement: false)
            return
        }
        complete(stream, .failure(error ?? .connectionClosed(reason: "ping stream closed before the echo")))
    }

    private func complete(_ stream: HostStream, _ result: Result<Duration, HostError>) {
        guard !done else { return }
        done = true
        if let timer { host.reactor.cancel(timer) }
        timer = nil
        host.emit(.pingResult(stream.peer, result))
    }
}
