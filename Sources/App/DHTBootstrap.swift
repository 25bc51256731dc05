import Logging
import Network

/// Where the DHT starts: `--bootstrap` addresses, or else the public libp2p bootstrap peers.
///
/// All six are usable: the `Qm…` ones have RSA identities, whose Noise signatures `RSAPublicKey` checks, and
/// `va1.bootstrap.libp2p.io` an Ed25519 one. `/dnsaddr/` addresses need a TXT lookup: `dnsaddrResolver` (DNS TXT
/// records through `DNSAddrService`) turns them into dialable addresses.
/// `DHTService.bootstrap` keeps the peers connected while the routing table is low: without Internet their dials
/// fail quietly, at most one a minute.
enum DHTBootstrap {
    /// go-libp2p-kad-dht's list plus Kubo's `va1` (PROTOCOLS.md §8).
    static let publicPeers = [
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt",
        "/dnsaddr/va1.bootstrap.libp2p.io/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8",
        "/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ",
    ]

    /// Resolves a `/dnsaddr/…` address to the addresses in its TXT records, then calls back (on the reactor).
    typealias DNSAddrResolver = (Multiaddr, @escaping ([Multiaddr]) -> Void) -> Void

    /// `/dnsaddr/` through `DNSAddrService` (the system nameserver, UDP, retried); a failure is logged and
    /// yields no addresses.
    static func dnsaddrResolver(reactor: Reactor) -> DNSAddrResolver {
        let log = Logger(label: "p2p-chat.dht")
        return { address, done in
            DNSAddrService.resolve(address, reactor: reactor) { result in
                switch result {
                case .success(let addresses): done(addresses)
                case .failure(let error):
                    log.info("bootstrap \(address): \(error)")
                    done([])
                }
            }
        }
    }

    /// The addresses to start from: `flags` if any, else the public peers.
    static func addresses(flags: [Multiaddr]) -> [Multiaddr] {
        flags.isEmpty ? publicPeers.compactMap { try? Multiaddr($0) } : flags
    }

    /// Dials every address; `/dnsaddr/` ones go through `resolve` first (skipped when it is nil).
    static func start(_ dht: DHTService, addresses: [Multiaddr], resolve: DNSAddrResolver?, log: Logger) {
        var direct: [Multiaddr] = []
        for address in addresses {
            guard address.components.contains(where: { if case .dnsaddr = $0 { true } else { false } }) else {
                direct.append(address)
                continue
            }
            guard let resolve else {
                log.info("bootstrap \(address) skipped: no /dnsaddr resolver yet")
                continue
            }
            let peer = address.peerID
            log.info("bootstrap \(address): resolving its TXT records")
            resolve(address) { resolved in
                dht.bootstrap(resolved.filter { peer == nil || $0.peerID == peer })
            }
        }
        dht.bootstrap(direct)
    }
}
