/// Text forms of IP addresses, without libc: strict dotted-quad IPv4, and IPv6 per RFC 4291 §2.2 on input
/// (`::`, embedded IPv4) and RFC 5952 on output (lowercase, no leading zeros, the longest run of two or
/// more zero groups — the first on a tie — as `::`, IPv4-mapped addresses as `::ffff:a.b.c.d`).
/// Zone IDs (`fe80::1%eth0`) are refused: multiaddr carries them in a separate `ip6zone` protocol.
enum IPAddressText {
    static let ipv4Length = 4
    static let ipv6Length = 16

    /// `a.b.c.d`, each part 0–255 in decimal without leading zeros (so `010` is not read as octal).
    static func parseIPv4<S: StringProtocol>(_ text: S) -> [UInt8]? {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == ipv4Length else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(ipv4Length)
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return nil }
            if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            out.append(UInt8(value))
        }
        return out
    }

    static func formatIPv4(_ bytes: [UInt8]) -> String {
        bytes.map { String($0) }.joined(separator: ".")
    }

    /// Any RFC 4291 text form: eight groups, or fewer around one `::`, optionally ending in dotted IPv4.
    static func parseIPv6<S: StringProtocol>(_ text: S) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard !chars.isEmpty else { return nil }
        let head: ArraySlice<UInt8>
        let tail: ArraySlice<UInt8>?
        if let gap = doubleColonIndex(chars) {
            head = chars[..<gap]
            tail = chars[(gap + 2)...]
            if doubleColonIndex(Array(tail!)) != nil { return nil }    // at most one "::"
        } else {
            head = chars[...]
            tail = nil
        }
        guard var front = groups(head, mayEndWithIPv4: tail == nil) else { return nil }
        var back: [UInt8] = []
        if let tail {
            guard let parsed = groups(tail, mayEndWithIPv4: true) else { return nil }
            back = parsed
            // "::" stands for at least one zero group.
            guard front.count + back.count <= ipv6Length - 2 else { return nil }
            front += [UInt8](repeating: 0, count: ipv6Length - front.count - back.count)
        }
        let out = front + back
        return out.count == ipv6Length ? out : nil
    }

    /// RFC 5952 canonical text.
    static func formatIPv6(_ bytes: [UInt8]) -> String {
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return "::ffff:" + formatIPv4(Array(bytes[12..<16]))
        }
        let words = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0
        var i = 0
        while i < 8 {
            guard words[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && words[j] == 0 { j += 1 }
            if j - i > bestLength { bestStart = i; bestLength = j - i }
            i = j
        }
        let hex = words.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let left = hex[..<bestStart].joined(separator: ":")
        let right = hex[(bestStart + bestLength)...].joined(separator: ":")
        return left + "::" + right
    }

    // MARK: - Helpers

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private static func hexValue(_ c: UInt8) -> UInt16? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func doubleColonIndex(_ chars: [UInt8]) -> Int? {
        guard chars.count >= 2 else { return nil }
        for i in 0..<(chars.count - 1) where chars[i] == UInt8(ascii: ":") && chars[i + 1] == UInt8(ascii: ":") {
            return i
        }
        return nil
    }

    /// Colon-separated hex groups (1–4 digits each), the last possibly dotted IPv4; empty input is no groups.
    private static func groups(_ chars: ArraySlice<UInt8>, mayEndWithIPv4: Bool) -> [UInt8]? {
        if chars.isEmpty { return [] }
        let parts = chars.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var out: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1 && mayEndWithIPv4 && part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(String(decoding: part, as: UTF8.self)) else { return nil }
                out += v4
                continue
            }
            guard (1...4).contains(part.count) else { return nil }
            var word: UInt16 = 0
            for c in part {
                guard let v = hexValue(c) else { return nil }
                word = word << 4 | v
            }
            out += [UInt8(word >> 8), UInt8(word & 0xff)]
        }
        return out.count <= ipv6Length ? out : nil
    }
}
