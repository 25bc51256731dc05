import Logging
import Network

/// Starts NAT-PMP port mapping for the app (on unless `--no-nat-pmp`). Nothing to do, no gateway, or no
/// socket is normal (loopback-only listeners, a host without a router): logged, and the node runs as before.
enum NATPMPMapping {
    /// The running service, or nil (logged) when there is nothing to map or nowhere to ask.
    static func start(host: Network.Host, reactor: Reactor) -> NATPMPService? {
        let log = Logger(label: "p2p-chat.nat-pmp")
        do {
            let service = try NATPMPService(host: host, reactor: reactor)
            service.start()
            return service
        } catch {
            log.info("NAT-PMP off: \(error)")
            return nil
        }
    }
}
