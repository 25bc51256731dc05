import Testing
@testable import TUI

/// Feeds a `KeyDecoder` the same bytes in every chunking a terminal read might produce and checks that
/// the events do not depend on it (adjacent `.text` events are joined first: text is gathered per read).
enum KeyChunking {
    /// Fixed read sizes, besides every split into two pieces.
    static let sizes = [1, 2, 3, 7]

    static func chunkings(_ bytes: [UInt8]) -> [[ArraySlice<UInt8>]] {
        var result: [[ArraySlice<UInt8>]] = [[bytes[...]]]
        for cut in 1..<max(bytes.count, 1) { result.append([bytes[..<cut], bytes[cut...]]) }
        for size in sizes where size < bytes.count {
            result.append(stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] })
        }
        return result
    }

    /// The events of `bytes`, the same for every chunking; `flush` calls `flushPending()` at the end.
    static func decode(_ bytes: [UInt8], flush: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [InputEvent] {
        let all = chunkings(bytes).map { pieces -> [InputEvent] in
            var decoder = KeyDecoder()
            var events: [InputEvent] = []
            for piece in pieces { events += decoder.feed(piece) }
            if flush { events += decoder.flushPending() }
            return joinText(events)
        }
        for events in all.dropFirst() { #expect(events == all[0], sourceLocation: sourceLocation) }
        return all[0]
    }

    static func decode(_ text: String, flush: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [InputEvent] {
        decode(Array(text.utf8), flush: flush, sourceLocation: sourceLocation)
    }

    static func joinText(_ events: [InputEvent]) -> [InputEvent] {
        var joined: [InputEvent] = []
        for event in events {
            if case .text(let more) = event, case .text(let text)? = joined.last {
                joined[joined.count - 1] = .text(text + more)
            } else {
                joined.append(event)
            }
        }
        return joined
    }
}
