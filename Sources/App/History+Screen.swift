import Network
import Persistence

/// What the full-screen client keeps across runs besides messages: the input history, the theme and,
/// per room, where reading stopped (the read marker, a message `seq`).
extension History {
    /// Lines of input history kept (the newest).
    static let maxInputHistory = 500
    /// A longer line is not kept in the input history (a paste, most likely).
    static let maxInputHistoryLineBytes = 4096

    var savedInputHistory: [String] {
        guard let text = try? store.settings.value(.inputHistory) else { return [] }
        return Self.decodeInputHistory(text)
    }

    func saveInputHistory(_ lines: [String]) {
        do { try store.settings.set(.inputHistory, Self.encodeInputHistory(lines)) } catch {
            log.warning("saving input history: \(error)")
        }
    }

    /// The newest `maxInputHistory` lines that are short enough, as a JSON array of strings.
    static func encodeInputHistory(_ lines: [String]) -> String {
        let kept = lines.filter { $0.utf8.count <= maxInputHistoryLineBytes }.suffix(maxInputHistory)
        return JSON.array(kept.map { .string($0) }).rendered
    }

    /// The stored array (its strings; other items are skipped); anything unreadable is an empty history
    /// (never a failed start).
    static func decodeInputHistory(_ text: String) -> [String] {
        guard case .array(let items)? = try? JSONParser.parse(Array(text.utf8)) else { return [] }
        let lines = items.compactMap { item -> String? in
            guard case .string(let line) = item, line.utf8.count <= maxInputHistoryLineBytes else { return nil }
            return line
        }
        return Array(lines.suffix(maxInputHistory))
    }

    var savedTheme: String? { try? store.settings.value(.theme) }

    func saveTheme(_ name: String) {
        do { try store.settings.set(.theme, name) } catch { log.warning("saving theme: \(error)") }
    }

    /// The `seq` of the last message read in `room` (0: none).
    func readMarker(_ room: String) -> Int64 { (try? store.rooms.readMarker(room)) ?? 0 }

    /// Moves `room`'s read marker to its newest stored message (the user has seen the room up to now).
    func markAllRead(_ room: String) {
        do {
            guard let newest = try store.messages.last(1, in: room).first?.seq else { return }
            try store.rooms.markRead(room, upTo: newest)
        } catch {
            log.warning("saving read marker: \(error)")
        }
    }

    /// Up to `limit` stored messages of `room` just before `cursor` (or the newest, without one), oldest first.
    func page(in room: String, before cursor: MessageCursor?, limit: Int) throws -> [MessageRecord] {
        guard let cursor else { return try store.messages.last(limit, in: room) }
        return try store.messages.page(before: cursor, limit: limit)
    }
}
