#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The default IPv4 gateway, from Linux's `/proc/net/route`: a header line, then one tab-separated line per route:
///
///     Iface   Destination  Gateway   Flags  RefCnt  Use  Metric  Mask      MTU  Window  IRTT
///     eth0    00000000     0100A8C0  0003   0       0    100     00000000  0    0       0
///     eth0    0000A8C0     00000000  0001   0       0    100     00FFFFFF  0    0       0
///
/// Addresses are the kernel's `u32` printed as hex, so their bytes are in memory (network) order read as a
/// native integer: `0100A8C0` on a little-endian machine is 192.168.0.1. The default route has destination
/// and mask 0 and flags RTF_UP | RTF_GATEWAY; with several, the lowest metric wins.
public enum DefaultGateway {
    public static let routeTablePath = "/proc/net/route"
    static let routeUp: UInt32 = 0x1
    static let routeGateway: UInt32 = 0x2
    /// Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask: the columns we read.
    static let minimumColumns = 8

    /// The gateway of the default route in `table` (the file's text), or nil when there is none.
    public static func parse(_ table: String) -> [UInt8]? {
        var best: (address: [UInt8], metric: UInt32)?
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard columns.count >= minimumColumns,
                  let destination = UInt32(columns[1], radix: 16), let gateway = UInt32(columns[2], radix: 16),
                  let flags = UInt32(columns[3], radix: 16), let metric = UInt32(columns[6]),
                  let mask = UInt32(columns[7], radix: 16),
                  destination == 0, mask == 0, gateway != 0, flags & (routeUp | routeGateway) == routeUp | routeGateway
            else { continue }
            if best == nil || metric < best!.metric {
                best = (withUnsafeBytes(of: gateway) { Array($0) }, metric)
            }
        }
        return best?.address
    }

    /// The machine's default gateway, or nil (no route, or not Linux).
    public static func current(path: String = routeTablePath) -> [UInt8]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return parse(text)
    }
}
