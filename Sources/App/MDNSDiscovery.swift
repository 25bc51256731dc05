import Logging
import Network

/// Starts mDNS discovery for the app (on unless `--no-mdns`). A node whose mDNS socket cannot be
/// opened still runs: it logs why and works with `--connect` and known peers only.
enum MDNSDiscovery {
    /// The running service, or nil (logged) when port 5353 cannot be bound or joined.
    static func start(host: Network.Host, reactor: Reactor) -> MDNSService? {
        let log = Logger(label: "p2p-chat.mdns")
        do {
            let service = try MDNSService(host: host, reactor: reactor)
            service.start()
            return service
        } catch {
            log.warning("mDNS discovery off: \(error)")
            return nil
        }
    }
}
