/// Unsigned big integers, just enough for RSA signature checks: compare, and `power(_:modulus:)` for an odd
/// modulus by Montgomery multiplication (CIOS, 32-bit limbs). Public values only: not constant time.
struct BigUInt: Comparable {
    /// Little-endian 32-bit limbs, no high zero limbs (zero is `[]`).
    private(set) var limbs: [UInt32]

    init(limbs: [UInt32]) {
        self.limbs = limbs
        normalize()
    }

    init(bigEndian bytes: [UInt8]) {
        var limbs = [UInt32](repeating: 0, count: (bytes.count + 3) / 4)
        for (offset, byte) in bytes.reversed().enumerated() {
            limbs[offset / 4] |= UInt32(byte) << (8 * UInt32(offset % 4))
        }
        self.init(limbs: limbs)
    }

    /// The value as exactly `count` big-endian bytes (high bytes dropped if it does not fit: callers ensure it does).
    func bigEndianBytes(count: Int) -> [UInt8] {
        (0..<count).map { i in
            let offset = count - 1 - i
            let limb = offset / 4 < limbs.count ? limbs[offset / 4] : 0
            return UInt8(truncatingIfNeeded: limb >> (8 * UInt32(offset % 4)))
        }
    }

    private mutating func normalize() {
        while limbs.last == 0 { limbs.removeLast() }
    }

    /// self − m when self ≥ m, else self: the reduction for a value known to be below 2m.
    func reducedOnce(modulo m: BigUInt) -> BigUInt {
        guard !(self < m) else { return self }
        var difference = limbs
        Montgomery.subtract(&difference, m.limbs)
        return BigUInt(limbs: difference)
    }

    var bitWidth: Int { limbs.last.map { limbs.count * 32 - $0.leadingZeroBitCount } ?? 0 }

    func bit(_ index: Int) -> Bool {
        index / 32 < limbs.count && limbs[index / 32] >> UInt32(index % 32) & 1 == 1
    }

    static func < (a: BigUInt, b: BigUInt) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        for i in stride(from: a.limbs.count - 1, through: 0, by: -1) where a.limbs[i] != b.limbs[i] {
            return a.limbs[i] < b.limbs[i]
        }
        return false
    }

    /// selfᵉ mod `modulus`, for an odd modulus > 1 and self < modulus.
    func power(_ exponent: BigUInt, modulus: BigUInt) -> BigUInt {
        let m = Montgomery(modulus: modulus.limbs)
        let base = m.toMontgomery(self)
        var result = m.one
        for i in stride(from: exponent.bitWidth - 1, through: 0, by: -1) {
            result = m.multiply(result, result)
            if exponent.bit(i) { result = m.multiply(result, base) }
        }
        return BigUInt(limbs: m.multiply(result, [1]))   // out of Montgomery form
    }
}

/// Montgomery arithmetic modulo an odd n of s limbs, R = 2^(32·s). Elements are s-limb arrays below n.
struct Montgomery {
    let n: [UInt32]
    /// -n⁻¹ mod 2^32.
    let nPrime: UInt32
    /// R² mod n, R mod n.
    let rSquared: [UInt32]
    private(set) var one: [UInt32]

    init(modulus: [UInt32]) {
        n = modulus
        var inverse: UInt32 = 1   // Newton: each step doubles the correct low bits of n[0]⁻¹
        for _ in 0..<5 { inverse = inverse &* (2 &- modulus[0] &* inverse) }
        nPrime = 0 &- inverse
        // R² mod n by doubling 1, mod n, 2·32·s times.
        var r = [UInt32](repeating: 0, count: modulus.count)
        r[0] = 1
        for _ in 0..<(64 * modulus.count) { Self.doubleMod(&r, modulus) }
        rSquared = r
        one = []
        one = multiply(rSquared, [1])
    }

    /// x = 2x mod n, for x < n.
    private static func doubleMod(_ x: inout [UInt32], _ n: [UInt32]) {
        var carry: UInt32 = 0
        for i in x.indices {
            let next = x[i] >> 31
            x[i] = x[i] << 1 | carry
            carry = next
        }
        if carry == 1 || !isLess(x, n) { subtract(&x, n) }
    }

    static func isLess(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
        return false
    }

    /// a -= b (mod 2^(32·count)).
    static func subtract(_ a: inout [UInt32], _ b: [UInt32]) {
        var borrow: UInt64 = 0
        for i in a.indices {
            let difference = UInt64(a[i]) &- UInt64(i < b.count ? b[i] : 0) &- borrow
            a[i] = UInt32(truncatingIfNeeded: difference)
            borrow = difference >> 63
        }
    }

    func toMontgomery(_ x: BigUInt) -> [UInt32] { multiply(x.limbs, rSquared) }

    /// Out of Montgomery form.
    func value(_ a: [UInt32]) -> BigUInt { BigUInt(limbs: multiply(a, [1])) }

    /// (a + b) mod n, for a, b < n (in or out of Montgomery form alike).
    func add(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var sum = a
        var carry: UInt64 = 0
        for i in sum.indices {
            let total = UInt64(a[i]) + UInt64(b[i]) + carry
            sum[i] = UInt32(truncatingIfNeeded: total)
            carry = total >> 32
        }
        if carry != 0 || !Self.isLess(sum, n) { Self.subtract(&sum, n) }
        return sum
    }

    /// (a − b) mod n, for a, b < n.
    func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var difference = a
        Self.subtract(&difference, b)
        if Self.isLess(a, b) {   // wrapped below zero: add n back (mod 2^(32·s))
            var carry: UInt64 = 0
            for i in difference.indices {
                let total = UInt64(difference[i]) + UInt64(n[i]) + carry
                difference[i] = UInt32(truncatingIfNeeded: total)
                carry = total >> 32
            }
        }
        return difference
    }

    /// a^(n−2): the inverse of a ≠ 0 when n is prime (Fermat), in Montgomery form.
    func inverse(_ a: [UInt32]) -> [UInt32] {
        var nMinus2 = n
        Self.subtract(&nMinus2, [2])
        let exponent = BigUInt(limbs: nMinus2)
        var result = one
        for i in stride(from: exponent.bitWidth - 1, through: 0, by: -1) {
            result = multiply(result, result)
            if exponent.bit(i) { result = multiply(result, a) }
        }
        return result
    }

    var zero: [UInt32] { [UInt32](repeating: 0, count: n.count) }

    /// a·b·R⁻¹ mod n (CIOS); a and b shorter than n are zero-extended.
    func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let s = n.count
        var t = [UInt32](repeating: 0, count: s + 2)
        for i in 0..<s {
            let bi = UInt64(i < b.count ? b[i] : 0)
            var carry: UInt64 = 0
            for j in 0..<s {
                let sum = UInt64(t[j]) + UInt64(j < a.count ? a[j] : 0) * bi + carry
                t[j] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            var sum = UInt64(t[s]) + carry
            t[s] = UInt32(truncatingIfNeeded: sum)
            t[s + 1] = UInt32(sum >> 32)

            let m = UInt64(t[0] &* nPrime)
            sum = UInt64(t[0]) + m * UInt64(n[0])
            carry = sum >> 32
            for j in 1..<s {
                sum = UInt64(t[j]) + m * UInt64(n[j]) + carry
                t[j - 1] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            sum = UInt64(t[s]) + carry
            t[s - 1] = UInt32(truncatingIfNeeded: sum)
            t[s] = t[s + 1] + UInt32(sum >> 32)
        }
        var result = Array(t[0..<s])
        if t[s] != 0 || !Self.isLess(result, n) { Self.subtract(&result, n) }
        return result
    }
}
