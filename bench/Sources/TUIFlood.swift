import Foundation
import Logging
import Network

/// The flood source of `bench/tui-latency.py` (hidden section `tui-flood`): `authors` in-process `Host`s on one
/// `Reactor`, each with its own identity, each dialing the node under test and publishing valid chat JSON into
/// `room`, round-robin, `rate` messages per second in total (each author at `rate / authors`, under the chat's
/// per-author limit of 10/s). The hosts do not subscribe to the room, so the node forwards nothing back: the
/// node's work is what 1,000 arriving messages a second cost (receive, verify, validate, store, show).
///
/// Talks to the harness on stdout, one line each: `ready <hosts>` once every host sees the node subscribed to
/// the room, `sent <total>` every second, `done <total> <seconds>` at the end.
enum TUIFlood {
    struct Options {
        var target = ""
        var room = "p2p-chat-default"
        var rate = 1_000.0
        var authors = 120
        var seconds = 20.0
    }

    static func say(_ line: String) {
        print(line)
        fflush(stdout)
    }

    static func run(_ options: Options) throws {
        guard options.rate / Double(options.authors) <= 9.5 else {
            throw BenchError("\(options.authors) authors at \(fmt(options.rate, 0)) msgs/s is over 9.5/s each (the limit is 10/s)")
        }
        let target = try Multiaddr(options.target)
        let reactor = Reactor()
        var logger = Logger(label: "p2p-chat-bench.flood")
        logger.logLevel = .critical
        var failures: [String] = []
        var hosts: [(host: Network.Host, pubsub: PubSubService)] = []
        let seqnoStart = UInt64(max(0, Date().timeIntervalSince1970) * 1e9)
        for _ in 0..<options.authors {
            let identity = PrivateKey.generate()
            let host = Network.Host(identity: identity, reactor: reactor, config: HostConfig(agentVersion: "p2p-chat-bench-flood"),
                                    logger: logger)
            let engine = PubSub(identity: identity, seqnoStart: seqnoStart, now: reactor.now)
            let pubsub = PubSubService(host: host, engine: engine)
            host.addObserver { event in
                if case .dialFailed(_, let error) = event { failures.append("dial failed: \(error)") }
            }
            hosts.append((host, pubsub))
        }
        // Dial in small batches: 100+ simultaneous Noise handshakes would only queue up on the node's one thread.
        let start = Stopwatch.now
        func elapsed() -> Double { Double((Stopwatch.now - start).nanosecondsClamped) / 1e9 }
        func ready(_ h: (host: Network.Host, pubsub: PubSubService)) -> Bool { !h.pubsub.engine.peers(subscribedTo: options.room).isEmpty }
        var dialed = 0
        while true {
            let readyCount = hosts.filter(ready).count
            if readyCount == hosts.count { break }
            if !failures.isEmpty { throw BenchError(failures[0]) }
            if elapsed() > 60 { throw BenchError("only \(readyCount) of \(hosts.count) hosts see the node in \(options.room) after 60 s") }
            if dialed < hosts.count && dialed - readyCount < 10 {
                hosts[dialed].host.dial(target)
                dialed += 1
            }
            try reactor.runOnce(timeout: .milliseconds(5))
        }
        say("ready \(hosts.count)")

        let text = " — a flood line of ordinary chat text, long enough to wrap on a narrow pane now and then"
        var sent = 0
        var nextReport = 1.0
        let floodStart = Stopwatch.now
        func floodElapsed() -> Double { Double((Stopwatch.now - floodStart).nanosecondsClamped) / 1e9 }
        while true {
            let t = floodElapsed()
            if t >= options.seconds { break }
            let due = Int(t * options.rate)
            while sent < due {
                let (host, pubsub) = hosts[sent % hosts.count]
                let message = ChatMessage(kind: .message, content: "flood \(sent)" + text, username: "flood\(sent % hosts.count)",
                                          timestamp: Int64(Date().timeIntervalSince1970), from: host.peerID.base58)
                _ = try? pubsub.publish(topic: options.room, data: message.encoded)
                sent += 1
            }
            if t >= nextReport { say("sent \(sent)"); nextReport += 1 }
            try reactor.runOnce(timeout: .milliseconds(1))
        }
        let total = floodElapsed()
        for _ in 0..<20 { try? reactor.runOnce(timeout: .milliseconds(5)) }
        say("done \(sent) \(fmt(total, 3))")
        for h in hosts { h.host.close() }
        for _ in 0..<10 { try? reactor.runOnce(timeout: .milliseconds(5)) }
    }
}
