/// A 256-bit unsigned integer in four 64-bit words, little-endian (`w0` is the lowest): the residues of
/// `Montgomery256`, i.e. the coordinates and scalars of `WeierstrassCurve`. A value type of fixed size, so the
/// curve arithmetic allocates nothing per field operation (unlike `BigUInt`'s and `Montgomery`'s arrays).
struct Field256: Hashable, Sendable {
    var w0, w1, w2, w3: UInt64

    static let zero = Field256(w0: 0, w1: 0, w2: 0, w3: 0)
    /// The integer 1 (not 1 in Montgomery form: that is `Montgomery256.one`).
    static let one = Field256(w0: 1, w1: 0, w2: 0, w3: 0)

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// The value of `x`, which must be below 2²⁵⁶.
    init(_ x: BigUInt) {
        precondition(x.bitWidth <= 256, "a Field256 holds 256 bits")
        let limbs = x.limbs.padded(8).map(UInt64.init)   // 32-bit limbs, pairs make the 64-bit words
        self.init(w0: limbs[0] | limbs[1] << 32, w1: limbs[2] | limbs[3] << 32,
                  w2: limbs[4] | limbs[5] << 32, w3: limbs[6] | limbs[7] << 32)
    }

    var bigUInt: BigUInt {
        BigUInt(limbs: [w0, w1, w2, w3].flatMap { [UInt32(truncatingIfNeeded: $0), UInt32($0 >> 32)] })
    }

    var isZero: Bool { w0 | w1 | w2 | w3 == 0 }

    /// Bit `index` (0 is the lowest) of the value.
    func bit(_ index: Int) -> Bool {
        let word: UInt64
        switch index / 64 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return word >> UInt64(index % 64) & 1 == 1
    }

    static func < (a: Field256, b: Field256) -> Bool {
        if a.w3 != b.w3 { return a.w3 < b.w3 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        return a.w0 < b.w0
    }

    /// (a + b) mod 2²⁵⁶, and whether it wrapped.
    static func adding(_ a: Field256, _ b: Field256) -> (sum: Field256, carry: Bool) {
        wordByWord(a, b, addWithCarry)
    }

    /// (a − b) mod 2²⁵⁶, and whether it wrapped (a < b).
    static func subtracting(_ a: Field256, _ b: Field256) -> (difference: Field256, borrow: Bool) {
        wordByWord(a, b, subtractWithBorrow)
    }

    /// `operation` on each pair of words, low to high, passing its carry (or borrow) up; the last one out.
    @inline(__always) private static func wordByWord(_ a: Field256, _ b: Field256,
                                                     _ operation: (UInt64, UInt64, Bool) -> (UInt64, Bool)) -> (Field256, Bool) {
        var result = Field256.zero, carry = false
        (result.w0, carry) = operation(a.w0, b.w0, carry)
        (result.w1, carry) = operation(a.w1, b.w1, carry)
        (result.w2, carry) = operation(a.w2, b.w2, carry)
        (result.w3, carry) = operation(a.w3, b.w3, carry)
        return (result, carry)
    }

    @inline(__always) private static func addWithCarry(_ a: UInt64, _ b: UInt64, _ carry: Bool) -> (UInt64, Bool) {
        let (sum, overflow) = a.addingReportingOverflow(b)
        let (total, overflow2) = sum.addingReportingOverflow(carry ? 1 : 0)
        return (total, overflow || overflow2)
    }

    @inline(__always) private static func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrow: Bool) -> (UInt64, Bool) {
        let (difference, underflow) = a.subtractingReportingOverflow(b)
        let (total, underflow2) = difference.subtractingReportingOverflow(borrow ? 1 : 0)
        return (total, underflow || underflow2)
    }
}

/// Montgomery arithmetic modulo an odd 256-bit m (a curve's p or n), R = 2²⁵⁶: an element a is kept as
/// a·R mod m, so a product needs no division, only `multiply`'s word-by-word reduction (CIOS: Koç, Acar,
/// Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms", IEEE Micro 1996). Generic in m:
/// no special-form reduction. Inputs and outputs are below m. Public values only: not constant time.
struct Montgomery256: Sendable {
    let modulus: Field256
    /// m′ = −m⁻¹ mod 2⁶⁴, which makes each CIOS round's low word vanish.
    let mPrime: UInt64
    /// R² mod m: `multiply(x, rSquared)` = x·R mod m, into Montgomery form.
    let rSquared: Field256
    /// R mod m, 1 in Montgomery form.
    let one: Field256

    /// For an odd modulus below 2²⁵⁶.
    init(modulus m: BigUInt) {
        let modulus = Field256(m)
        self.modulus = modulus
        var inverse: UInt64 = 1   // Newton: each step doubles the correct low bits of m⁻¹ mod 2⁶⁴ (1 → 64)
        for _ in 0..<6 { inverse = inverse &* (2 &- modulus.w0 &* inverse) }
        mPrime = 0 &- inverse
        var r = Field256.one   // doubling 1 mod m: 256 times gives R mod m, 512 times R² mod m
        for _ in 0..<256 { r = Self.sum(r, r, modulo: modulus) }
        one = r
        for _ in 0..<256 { r = Self.sum(r, r, modulo: modulus) }
        rSquared = r
    }

    /// x·R mod m, for any x below 2²⁵⁶ (x ≥ m is reduced too).
    func toMontgomery(_ x: BigUInt) -> Field256 { multiply(Field256(x), rSquared) }

    /// Out of Montgomery form: a·R⁻¹ mod m.
    func value(_ a: Field256) -> BigUInt { multiply(a, Field256.one).bigUInt }

    /// (a + b) mod m, in or out of Montgomery form alike.
    @inline(__always) func add(_ a: Field256, _ b: Field256) -> Field256 { Self.sum(a, b, modulo: modulus) }

    @inline(__always) private static func sum(_ a: Field256, _ b: Field256, modulo m: Field256) -> Field256 {
        let (sum, carry) = Field256.adding(a, b)
        return carry || !(sum < m) ? Field256.subtracting(sum, m).difference : sum
    }

    /// (a − b) mod m, in or out of Montgomery form alike.
    @inline(__always) func subtract(_ a: Field256, _ b: Field256) -> Field256 {
        let (difference, borrow) = Field256.subtracting(a, b)
        return borrow ? Field256.adding(difference, modulus).sum : difference   // wrapped: add m back, mod 2²⁵⁶
    }

    /// a·b·R⁻¹ mod m (CIOS, four 64-bit words): per word bᵢ of b, t = (t + a·bᵢ + q·m) / 2⁶⁴ with
    /// q = (t + a·bᵢ)·m′ mod 2⁶⁴, so the division is exact. For a < 2²⁵⁶ and b < m, t stays below 2m: one final
    /// subtraction. t is five words (t₄ ≤ 1) and t₅ a round's top carry.
    @inline(__always) func multiply(_ a: Field256, _ b: Field256) -> Field256 {
        let m = modulus
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0
        @inline(__always) func round(_ bi: UInt64) {
            var carry: UInt64
            (carry, t0) = Self.multiplyAdd(a.w0, bi, t0, 0)
            (carry, t1) = Self.multiplyAdd(a.w1, bi, t1, carry)
            (carry, t2) = Self.multiplyAdd(a.w2, bi, t2, carry)
            (carry, t3) = Self.multiplyAdd(a.w3, bi, t3, carry)
            let (top, overflow) = t4.addingReportingOverflow(carry)
            let t5: UInt64 = overflow ? 1 : 0
            let q = t0 &* mPrime
            (carry, _) = Self.multiplyAdd(q, m.w0, t0, 0)   // the low word is 0 by the choice of q: dropped
            (carry, t0) = Self.multiplyAdd(q, m.w1, t1, carry)
            (carry, t1) = Self.multiplyAdd(q, m.w2, t2, carry)
            (carry, t2) = Self.multiplyAdd(q, m.w3, t3, carry)
            let (sum, overflow2) = top.addingReportingOverflow(carry)
            t3 = sum
            t4 = t5 + (overflow2 ? 1 : 0)
        }
        round(b.w0); round(b.w1); round(b.w2); round(b.w3)
        let t = Field256(w0: t0, w1: t1, w2: t2, w3: t3)
        return t4 != 0 || !(t < m) ? Field256.subtracting(t, m).difference : t
    }

    /// a·b + c + d as (high, low) words: at most (2⁶⁴ − 1)² + 2(2⁶⁴ − 1) = 2¹²⁸ − 1, so it never overflows.
    @inline(__always) static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (UInt64, UInt64) {
        var (high, low) = a.multipliedFullWidth(by: b)
        var overflow: Bool
        (low, overflow) = low.addingReportingOverflow(c)
        if overflow { high &+= 1 }
        (low, overflow) = low.addingReportingOverflow(d)
        if overflow { high &+= 1 }
        return (high, low)
    }

    /// baseᵉ, in Montgomery form, by 4-bit fixed windows: 256 squarings and at most 64 multiplications
    /// (plus 14 for the table base⁰…base¹⁵).
    func power(_ base: Field256, _ exponent: Field256) -> Field256 {
        var table = [one, base]
        for _ in 2..<16 { table.append(multiply(table[table.count - 1], base)) }
        var result = one
        for window in stride(from: 63, through: 0, by: -1) {
            for _ in 0..<4 { result = multiply(result, result) }
            var digit = 0
            for bit in 0..<4 where exponent.bit(4 * window + bit) { digit |= 1 << bit }
            if digit != 0 { result = multiply(result, table[digit]) }
        }
        return result
    }

    /// a⁻¹ = a^(m−2) (Fermat: m is prime), in Montgomery form; a ≠ 0.
    func inverse(_ a: Field256) -> Field256 {
        power(a, Field256.subtracting(modulus, Field256(w0: 2, w1: 0, w2: 0, w3: 0)).difference)
    }
}
