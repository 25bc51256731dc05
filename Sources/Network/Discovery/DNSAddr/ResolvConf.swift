#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The system's nameserver, from `/etc/resolv.conf` (`nameserver 10.0.0.53` lines, `#`/`;` comments).
public enum ResolvConf {
    public static let path = "/etc/resolv.conf"

    /// The first IPv4 nameserver of `text`, on port 53.
    public static func nameserver(in text: String) -> SocketAddress? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver",
                  let address = try? SocketAddress(ip: String(words[1]), port: 53), address.family == .ipv4 else { continue }
            return address
        }
        return nil
    }

    /// The first IPv4 nameserver of `/etc/resolv.conf`, or nil when unreadable or absent.
    public static func systemNameserver() -> SocketAddress? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return nameserver(in: text)
    }
}
