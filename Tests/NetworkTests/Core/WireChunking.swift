@testable import Network

/// Splits test input the way a socket might deliver it: the chunkings every decoder is fed.
enum WireChunking {
    /// 1, 2, 3 and 7 bytes at a time, then all at once.
    static let sizes = [1, 2, 3, 7, Int.max]

    /// Pieces of `size` bytes (the last one shorter); no pieces for empty input.
    static func split(_ bytes: [UInt8], _ size: Int) -> [ArraySlice<UInt8>] {
        guard !bytes.isEmpty else { return [] }
        return stride(from: 0, to: bytes.count, by: Swift.min(size, bytes.count)).map {
            bytes[$0..<Swift.min($0 + size, bytes.count)]
        }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        guard let b = [UInt8](hex: hex) else { fatalError("bad hex in test: \(hex)") }
        return b
    }
}
