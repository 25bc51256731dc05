import Logging

/// Runs one `DNSAddrResolver` on the reactor: a UDP socket to the nameserver, one timer for the
/// retries, and `completion` called once with the addresses or the reason there are none.
///
///     DNSAddrService.resolve(try Multiaddr("/dnsaddr/bootstrap.libp2p.io"), reactor: reactor) { result in … }
public final class DNSAddrService {
    let reactor: Reactor
    let socket: UDPSocket
    let nameserver: SocketAddress
    var machine: DNSAddrResolver
    private var watch: WatchID?
    private var timer: TimerID?
    private var completion: ((Result<[Multiaddr], DNSAddrError>) -> Void)?
    private let log = Logger(label: "p2p-chat.dnsaddr")

    /// Starts resolving `address` against `nameserver` (default: the first IPv4 one in
    /// /etc/resolv.conf). Failing to start also reports through `completion`, on the next tick.
    @discardableResult
    public static func resolve(_ address: Multiaddr, reactor: Reactor, nameserver: SocketAddress? = nil,
                               timeout: Duration = .seconds(2), attempts: Int = 3,
                               completion: @escaping (Result<[Multiaddr], DNSAddrError>) -> Void) -> DNSAddrService? {
        do {
            guard let server = nameserver ?? ResolvConf.systemNameserver() else { throw DNSAddrError.noNameserver }
            let machine = try DNSAddrResolver(address, now: reactor.now, timeout: timeout, attempts: attempts)
            let socket: UDPSocket
            do { socket = try UDPSocket.bind(.ipv4(address: [0, 0, 0, 0], port: 0)) } catch let error as Errno {
                throw DNSAddrError.socket(error)
            }
            let service = DNSAddrService(reactor: reactor, socket: socket, nameserver: server, machine: machine,
                                         completion: completion)
            service.start()
            return service
        } catch {
            let failure = error as? DNSAddrError ?? .noAddresses(address)
            reactor.schedule(after: .zero) { completion(.failure(failure)) }
            return nil
        }
    }

    private init(reactor: Reactor, socket: UDPSocket, nameserver: SocketAddress, machine: DNSAddrResolver,
                 completion: @escaping (Result<[Multiaddr], DNSAddrError>) -> Void) {
        self.reactor = reactor
        self.socket = socket
        self.nameserver = nameserver
        self.machine = machine
        self.completion = completion
    }

    private func start() {
        // The service keeps itself alive through these closures until it finishes.
        watch = reactor.watch(socket.fd, .read) { _ in self.readAll() }
        drive { _ in }
    }

    /// Stops without calling `completion`.
    public func cancel() {
        completion = nil
        finish()
    }

    private func readAll() {
        while let datagram = (try? socket.receive()) ?? nil {
            guard datagram.from == nameserver else { continue }   // only the server we asked
            drive { machine in
                do { try machine.receive(datagram.bytes, now: reactor.now) } catch {
                    log.debug("DNS answer dropped: \(error)")
                }
            }
            if machine.isFinished { return }
        }
    }

    private func drive(_ body: (inout DNSAddrResolver) -> Void) {
        body(&machine)
        while let query = machine.pollTransmit() {
            do { try socket.send(query.bytes, to: nameserver) } catch { log.debug("DNS query to \(nameserver): \(error)") }
        }
        if let result = machine.result {
            let done = completion
            completion = nil
            finish()
            done?(result)
            return
        }
        if let timer { reactor.cancel(timer) }
        timer = machine.nextDeadline().map { deadline in
            reactor.schedule(at: deadline) { self.timer = nil; self.drive { $0.tick(now: self.reactor.now) } }
        }
    }

    private func finish() {
        if let watch { reactor.unwatch(watch) }
        if let timer { reactor.cancel(timer) }
        watch = nil
        timer = nil
        socket.close()
    }
}
