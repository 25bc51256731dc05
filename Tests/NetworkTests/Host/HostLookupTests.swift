import Dispatch
import Synchronization
import Testing
@testable import Network

/// A resolver for tests: answers from `answers` (or throws) once the test opens the gate, and counts calls.
final class GatedResolver: NameResolver, @unchecked Sendable {
    struct Unknown: Error, CustomStringConvertible {
        let name: String
        var description: String { "no such name \(name)" }
    }

    private let gate = DispatchSemaphore(value: 0)
    private let answers: [String: [SocketAddress]]
    private let calls = Mutex(0)
    private let opened = Mutex(false)

    init(_ answers: [String: [SocketAddress]], open: Bool = false) {
        self.answers = answers
        if open { self.open() }
    }

    /// Each of `names` resolves to 127.0.0.1.
    convenience init(loopback names: [String], open: Bool = false) {
        let loopback = SocketAddress.ipv4(address: [127, 0, 0, 1], port: 0)
        self.init(Dictionary(uniqueKeysWithValues: names.map { ($0, [loopback]) }), open: open)
    }

    /// Lets every waiting and later lookup through (idempotent).
    func open() {
        guard opened.withLock({ was in defer { was = true }; return !was }) else { return }
        gate.signal()
    }

    var callCount: Int { calls.withLock { $0 } }

    func resolve(host: String, port: UInt16, family: SocketAddress.Family) throws -> [SocketAddress] {
        calls.withLock { $0 += 1 }
        gate.wait()
        gate.signal()   // one open lets everyone through
        guard let addresses = answers[host] else { throw Unknown(name: host) }
        return addresses.map {
            switch $0 {
            case .ipv4(let a, _): return .ipv4(address: a, port: port)
            case .ipv6(let a, _): return .ipv6(address: a, port: port)
            }
        }
    }
}

extension HostTests {
    /// `/dns*` dials: the name is looked up on another thread, the reactor keeps running meanwhile, and every
    /// way a lookup can end is a `connected` or a `dialFailed` naming it.
    @Suite struct Lookups {
        /// A host that dials but does not listen, looking names up with `resolver`.
        func dialer(_ h: HostHarness, _ resolver: GatedResolver, maxLookups: Int? = nil) throws -> TestHost {
            try h.makeHost(listening: false) {
                $0.nameResolver = resolver
                if let maxLookups { $0.maxPendingLookups = maxLookups }
            }
        }

        /// `/dns4/<name>/tcp/<b's port>/p2p/<b>`.
        func address(_ name: String, of b: TestHost, proto: String = "dns4") throws -> Multiaddr {
            guard let port = b.address.tcpEndpoint?.port else { throw GatedResolver.Unknown(name: "port") }
            return try Multiaddr("/\(proto)/\(name)/tcp/\(port)/p2p/\(b.peerID)")
        }

        @Test func dialByNameConnects() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let resolver = GatedResolver(loopback: ["peer-b.test"], open: true)
            let a = try dialer(h, resolver)
            let b = try h.makeHost()
            a.host.dial(try address("peer-b.test", of: b))
            try h.run("connected by name") { a.isConnected(to: b) && b.isConnected(to: a) }
            #expect(resolver.callCount == 1 && a.host.pendingLookupCount == 0)
            #expect(a.dialFailures.isEmpty)
        }

        @Test func systemResolverFindsLocalhost() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost(listening: false)
            let b = try h.makeHost()
            a.host.dial(try address("localhost", of: b))   // /etc/hosts: no network needed
            try h.run("connected to localhost") { a.isConnected(to: b) || !a.dialFailures.isEmpty }
            #expect(a.dialFailures.isEmpty, "\(a.dialFailures)")
        }

        @Test func reactorRunsWhileANameIsLookedUp() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let resolver = GatedResolver(loopback: ["slow.test"])
            defer { resolver.open() }
            let a = try dialer(h, resolver)
            let b = try h.makeHost()
            let c = try h.makeHost()
            a.host.dial(try address("slow.test", of: b))
            #expect(a.host.pendingLookupCount == 1)
            // While the lookup blocks its thread, the reactor serves: a connects to c and pings it.
            a.host.dial(c.address)
            try h.run("connected to c during the lookup") { a.isConnected(to: c) }
            a.host.ping(c.peerID)
            try h.run("ping during the lookup") { !a.pingResults.isEmpty }
            #expect(a.host.pendingLookupCount == 1 && !a.isConnected(to: b))
            resolver.open()
            try h.run("connected to b after the lookup") { a.isConnected(to: b) }
            #expect(a.host.pendingLookupCount == 0)
        }

        @Test func unknownNameIsADialFailure() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try dialer(h, GatedResolver([:], open: true))
            let b = try h.makeHost()
            let target = try address("nowhere.test", of: b)
            a.host.dial(target)
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            #expect(a.dialFailures.first?.address == target)
            guard case .invalidAddress(_, let reason)? = a.dialFailures.first?.error else {
                Issue.record("expected invalidAddress, got \(a.dialFailures)"); return
            }
            #expect(reason.contains("cannot resolve nowhere.test") && reason.contains("no such name"))
            try h.expectServes(b)
        }

        @Test func nameWithoutAddressesIsADialFailure() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try dialer(h, GatedResolver(["empty.test": []], open: true))
            let b = try h.makeHost()
            a.host.dial(try address("empty.test", of: b, proto: "dns"))
            try h.run("dial failure") { !a.dialFailures.isEmpty }
            guard case .invalidAddress(_, let reason)? = a.dialFailures.first?.error else {
                Issue.record("expected invalidAddress, got \(a.dialFailures)"); return
            }
            #expect(reason == "empty.test has no address")
        }

        @Test func lookupsInFlightAreBounded() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let resolver = GatedResolver(loopback: ["one.test", "two.test", "three.test"])
            defer { resolver.open() }
            let a = try dialer(h, resolver, maxLookups: 2)
            let b = try h.makeHost(), c = try h.makeHost(), d = try h.makeHost()
            a.host.dial(try address("one.test", of: b))
            a.host.dial(try address("two.test", of: c))
            let third = try address("three.test", of: d)
            a.host.dial(third)
            #expect(a.host.pendingLookupCount == 2)
            guard case .tooManyLookups(let limit)? = a.dialFailures.first?.error, a.dialFailures.first?.address == third else {
                Issue.record("expected tooManyLookups for the third, got \(a.dialFailures)"); return
            }
            #expect(limit == 2)
            resolver.open()
            try h.run("the two looked up connect") { a.isConnected(to: b) && a.isConnected(to: c) }
            a.host.dial(third)   // room again
            try h.run("the third connects") { a.isConnected(to: d) }
        }

        @Test func secondDialOfAPeerBeingLookedUpIsDropped() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let resolver = GatedResolver(loopback: ["twice.test"])
            defer { resolver.open() }
            let a = try dialer(h, resolver)
            let b = try h.makeHost()
            let target = try address("twice.test", of: b)
            a.host.dial(target)
            a.host.dial(target)
            a.host.dial(b.address)   // the same peer by IP: its lookup is already its dial
            #expect(a.host.pendingLookupCount == 1 && a.connectionCount == 0)
            resolver.open()
            try h.run("connected once") { a.isConnected(to: b) }
            try h.settle()
            #expect(a.connected.count == 1 && a.dialFailures.isEmpty && resolver.callCount == 1)
        }

        @Test func closingDuringALookupForgetsIt() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let resolver = GatedResolver(loopback: ["late.test"])
            let a = try dialer(h, resolver)
            let b = try h.makeHost()
            a.host.dial(try address("late.test", of: b))
            a.host.close()
            #expect(a.host.pendingLookupCount == 0)
            resolver.open()
            try h.settle(ticks: 20)
            #expect(a.connected.isEmpty && a.connectionCount == 0 && b.connected.isEmpty)
        }
    }
}
