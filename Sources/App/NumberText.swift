/// Numbers in notices, written as `String(format:)` wrote them (FoundationEssentials has no `String(format:)`).
enum NumberText {
    /// `value` with one decimal, as `"%.1f"` writes it: rounded half to even on the exact binary value
    /// (0.25 → "0.2", 0.05 → "0.1", since 0.05 is a little above). For magnitudes below 10¹⁴ (an RTT in
    /// milliseconds); others, and NaN and infinities, are written as Swift writes them.
    static func oneDecimal(_ value: Double) -> String {
        let magnitude = abs(value)
        guard magnitude < 1e14 else { return "\(value)" }
        var tenths = (magnitude * 10).rounded(.down)
        // The sign of magnitude·10 − (tenths + ½), exactly: one rounding never changes a sign.
        let beyondHalf = (-(tenths + 0.5)).addingProduct(magnitude, 10)
        if beyondHalf > 0 || (beyondHalf == 0 && tenths.truncatingRemainder(dividingBy: 2) == 1) { tenths += 1 }
        let whole = Int(tenths)
        return (value.sign == .minus ? "-" : "") + "\(whole / 10).\(whole % 10)"
    }

    /// `value` as `"%g"` writes a rate: a whole number without a decimal point (9 → "9"), else Swift's
    /// shortest form (9.5 → "9.5"; the same as `%g` for up to six significant digits).
    static func compact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? "\(Int(value))" : "\(value)"
    }
}
