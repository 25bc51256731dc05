import Foundation
import Network
import Testing
@testable import App

/// `NumberText` writes what `String(format:)` wrote for the same numbers.
@Suite("NumberText: notices' numbers as String(format:) wrote them")
struct NumberTextTests {
    @Test("ping RTTs: \"%.1f\", ties and near-ties included")
    func oneDecimal() {
        var values: [Double] = [0, -0.0, 0.04, -0.04, 0.05, 0.15, 0.25, 0.35, 0.45, 1, 9.95, 12.35, 99.95, 999.25,
                                123_456.75, 5e12, .nan, .infinity]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Double(Int.random(in: 0..<10_000_000, using: &rng)) / 1_000_000) }
        for ms in 0..<2000 { values.append(Double(ms * 50_000) / 1_000_000) }   // whole 50 µs: exact ties
        for value in values {
            #expect(NumberText.oneDecimal(value) == String(format: "%.1f", value), "\(value)")
        }
    }

    @Test("the pacer's rate: \"%g\"")
    func compact() {
        for value in [SendPacer.rate, 9, 10, 9.5, 0.25, 12.125] {
            #expect(NumberText.compact(value) == String(format: "%g", value), "\(value)")
        }
        #expect(NumberText.compact(SendPacer.rate) == "9")
    }
}
