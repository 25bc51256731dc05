/// Output helpers: markdown tables with right-aligned numbers, and number formatting without Foundation.
struct Table {
    let headers: [String]
    /// Columns printed left-aligned (text); the others are right-aligned (numbers). Column 0 always is.
    var textColumns: Set<Int> = [0]
    private var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    /// Prints the table as markdown.
    func print() {
        let widths = headers.indices.map { i in
            ([headers[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = widths.indices.map { i -> String in
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return textColumns.contains(i) ? cell + pad : pad + cell
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        Swift.print(line(headers))
        Swift.print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
        for row in rows { Swift.print(line(row)) }
    }
}

/// `1234.5` → "1,234.5" (fixed decimals, thousands separated).
func fmt(_ value: Double, _ decimals: Int = 1) -> String {
    guard value.isFinite else { return "n/a" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = UInt64(scaled / scale)
    let fraction = UInt64(scaled - Double(whole) * scale)
    var digits = String(whole)
    var grouped = ""
    while digits.count > 3 {
        grouped = "," + digits.suffix(3) + grouped
        digits = String(digits.dropLast(3))
    }
    var text = (value < 0 ? "-" : "") + digits + grouped
    if decimals > 0 {
        let f = String(fraction)
        text += "." + String(repeating: "0", count: decimals - f.count) + f
    }
    return text
}

/// A ratio as a percentage, e.g. "37%".
func percent(_ part: Double, of whole: Double) -> String {
    guard whole > 0, part.isFinite else { return "n/a" }
    return fmt(part / whole * 100, 0) + "%"
}

let MiB = 1 << 20

/// Megabytes per second, 10^6 bytes (the unit of bench/perf-interop.py and the targets).
func mbps(_ bytesPerSecond: Double) -> String { fmt(bytesPerSecond / 1e6) }

/// Prints a section heading and runs `body`; an error is reported as "n/a" and the run goes on.
func section(_ title: String, _ body: () throws -> Void) {
    Swift.print()
    Swift.print("## \(title)")
    Swift.print()
    do { try body() } catch { Swift.print("n/a: \(error)") }
}

/// A failure inside a benchmark (printed, never fatal).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
