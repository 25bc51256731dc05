/// The listener's side of ping: echoes every whole 32-byte payload, holding back a partial one until it
/// completes. It buffers fewer than 32 bytes; what it returns is exactly what was received (in whole
/// payloads), so the Host bounds it the same way it bounds the stream's input (stop reading while the
/// echo is still queued).
public struct PingResponder: Sendable {
    private var partial: [UInt8] = []

    public init() {}

    /// Bytes of an incomplete payload waiting for the rest (always < `Ping.payloadLength`).
    public var bufferedCount: Int { partial.count }

    /// Consumes received bytes; returns the bytes to echo (a multiple of 32, possibly empty).
    public mutating func receive<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var echo: [UInt8] = []
        var rest = bytes[...]
        if !partial.isEmpty {
            let needed = Ping.payloadLength - partial.count
            partial.append(contentsOf: rest.prefix(needed))
            rest = rest.dropFirst(needed)
            guard partial.count == Ping.payloadLength else { return [] }
            echo = partial
            partial.removeAll(keepingCapacity: true)
        }
        let whole = rest.count - rest.count % Ping.payloadLength
        echo.append(contentsOf: rest.prefix(whole))
        partial.append(contentsOf: rest.dropFirst(whole))
        return echo
    }
}
