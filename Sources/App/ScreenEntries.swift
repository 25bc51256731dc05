#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Network
import Persistence
import TUI

/// Chat lines and stored messages as the screen's `ChatEntry`s, and the store as the scrollback's
/// `HistorySource` (keyset pages by message ID, so a room of 10^6 messages is never read whole).
///
/// Entry IDs are the message ID in hex. Notices the App shows (command output, errors) are not stored; their
/// IDs are `~N`, remembered with the stored message they followed, so paging from a notice pages from there.
final class ScreenEntries: HistorySource {
    private let history: History
    private let me: PeerID
    /// The nick each peer used last, from the messages seen (live or paged in).
    private(set) var nicks: [String: String] = [:]
    /// What our nick is now (for mention detection).
    var ownNick: String
    /// The newest stored entry of each room, for anchoring notices.
    private var newestStored: [String: ChatEntry.ID] = [:]
    /// Notices (by ID) and the stored entry shown just before each.
    private var noticeAnchors: [ChatEntry.ID: ChatEntry.ID] = [:]
    private var noticeCount = 0
    /// The most notices remembered for paging (older ones page from the start of the room).
    static let maxNoticeAnchors = 10_000

    init(history: History, me: PeerID, ownNick: String) {
        self.history = history
        self.me = me
        self.ownNick = ownNick
    }

    // MARK: Entries

    /// `nick·3fa9`: the nick plus the end of the PeerID, so two peers with one nick stay apart.
    static func label(nick: String, peer: String) -> String {
        nick + "·" + String(peer.suffix(4))
    }

    func label(for peer: String) -> String {
        Self.label(nick: nicks[peer] ?? "peer", peer: peer)
    }

    func entry(_ line: ChatLine) -> ChatEntry {
        let id = line.id.bytes.hex
        newestStored[line.room] = id
        return entry(id: id, room: line.room, kind: line.message.kind.rawValue, author: line.author.base58,
                     username: line.message.username, content: line.message.content,
                     timestamp: line.message.timestamp)
    }

    func entry(_ record: MessageRecord) -> ChatEntry {
        entry(id: record.messageID.hex, room: record.room, kind: record.kind, author: record.author,
              username: record.username, content: record.content, timestamp: record.sentAt)
    }

    private func entry(id: String, room: String, kind: String, author: String, username: String,
                       content: String, timestamp: Int64) -> ChatEntry {
        nicks[author] = username
        let isOwn = author == me.base58
        var text = content
        var entryKind: ChatEntry.Kind
        switch kind {
        case ChatMessage.Kind.join.rawValue: entryKind = .join
        case ChatMessage.Kind.leave.rawValue: entryKind = .leave
        default:
            entryKind = .message
            if text.hasPrefix(ChatSession.actionPrefix) {
                entryKind = .action
                text.removeFirst(ChatSession.actionPrefix.count)
            }
        }
        let mention = !isOwn && (entryKind == .message || entryKind == .action)
            && MessageFormatter.mentions(nick: ownNick, in: text)
        return ChatEntry(id: id, room: room, kind: entryKind, authorKey: author,
                         authorLabel: Self.label(nick: username, peer: author), text: text, timestamp: timestamp,
                         isOwn: isOwn, mentionsMe: mention)
    }

    /// A notice of ours (`kind` `.info` or `.error`), anchored after the room's newest stored entry.
    func notice(_ text: String, kind: ChatEntry.Kind, room: String) -> ChatEntry {
        noticeCount += 1
        let id = "~\(noticeCount)"
        if noticeAnchors.count >= Self.maxNoticeAnchors { noticeAnchors.removeAll() }
        if let anchor = newestStored[room] { noticeAnchors[id] = anchor }
        return ChatEntry(id: id, room: room, kind: kind, text: text, timestamp: Int64(Date().timeIntervalSince1970))
    }

    // MARK: HistorySource

    func page(room: String, before: ChatEntry.ID?, limit: Int) -> [ChatEntry] {
        do {
            guard let before else {
                let page = try history.page(in: room, before: nil, limit: limit)
                if let last = page.last, newestStored[room] == nil { newestStored[room] = last.messageID.hex }
                return page.map(entry)
            }
            if before.hasPrefix("~") {
                // A notice: the page ends with the stored entry it followed.
                guard let anchor = noticeAnchors[before], let record = try stored(anchor) else { return [] }
                return (try history.page(in: room, before: record.cursor, limit: limit - 1) + [record]).map(entry)
            }
            guard let cursor = try stored(before)?.cursor else { return [] }
            return try history.page(in: room, before: cursor, limit: limit).map(entry)
        } catch {
            history.log.warning("history page of \(room): \(error)")
            return []
        }
    }

    func page(room: String, after: ChatEntry.ID?, limit: Int) -> [ChatEntry] {
        do {
            let id = after.flatMap { $0.hasPrefix("~") ? noticeAnchors[$0] : $0 }
            guard let id, let cursor = try stored(id)?.cursor else {
                return try history.store.messages.page(after: MessageCursor(room: room, receivedAt: Int64.min, seq: 0),
                                                       limit: limit).map(entry)
            }
            return try history.store.messages.page(after: cursor, limit: limit).map(entry)
        } catch {
            history.log.warning("history page of \(room): \(error)")
            return []
        }
    }

    private func stored(_ id: ChatEntry.ID) throws -> MessageRecord? {
        guard let bytes = [UInt8](hex: id) else { return nil }
        return try history.store.messages.record(messageID: bytes)
    }

    /// The entry the unread marker follows: the one before the first message from someone else that is newer
    /// than the room's read marker (our own lines are never unread). Nil when nothing is unread, or when the
    /// first unread message starts the newest page.
    func readMarkerEntry(room: String) -> ChatEntry.ID? {
        let marker = history.readMarker(room)
        guard let page = try? history.page(in: room, before: nil, limit: Scrollback.pageSize),
              let first = page.firstIndex(where: { ($0.seq ?? 0) > marker && $0.author != me.base58 }), first > 0
        else { return nil }
        return page[first - 1].messageID.hex
    }
}
