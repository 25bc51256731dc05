/// The few multibase encodings a multiaddr `certhash` may arrive in: a one-character prefix names the base.
///
///     u  base64url, no padding (what we emit, like go-multiaddr)   m  base64, no padding
///     b  base32 lowercase, no padding    B  base32 uppercase    z  base58btc    f/F  hex
enum Multibase {
    static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes a prefixed multibase string; nil on an unknown prefix or a malformed payload.
    static func decode(_ text: String) -> [UInt8]? {
        guard let prefix = text.first else { return nil }
        let body = String(text.dropFirst())
        switch prefix {
        case "u": return decodeBase64(body, alphabet: base64URLAlphabet)
        case "m": return decodeBase64(body, alphabet: base64Alphabet)
        case "b", "B": return Base32.decode(body)
        case "z": return Base58.decode(body)
        case "f", "F": return [UInt8](hex: body)
        default: return nil
        }
    }

    /// `u` + base64url without padding.
    static func encodeBase64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = [UInt8(ascii: "u")]
        var i = 0
        while i < bytes.count {
            let chunk = bytes[i..<min(i + 3, bytes.count)]
            var group: UInt32 = 0
            for (k, b) in chunk.enumerated() { group |= UInt32(b) << (16 - 8 * UInt32(k)) }
            for k in 0...chunk.count { out.append(base64URLAlphabet[Int((group >> (18 - 6 * UInt32(k))) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Unpadded base64 in the given alphabet; trailing bits must be zero.
    static func decodeBase64(_ text: String, alphabet: [UInt8]) -> [UInt8]? {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            guard c < 128, table[Int(c)] >= 0 else { return nil }
            buffer = (buffer << 6) | UInt32(table[Int(c)])
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xff))
            }
        }
        // A lone leftover character (6 bits) can't end a valid encoding; leftover bits must be zero.
        if bits >= 6 || buffer & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }
}
