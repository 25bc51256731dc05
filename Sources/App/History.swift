import Logging
import Network
import Persistence

/// The chat's memory on disk: every delivered line is stored before it is shown (journaled, then committed
/// in batches: `MessageJournal`), and the stored history answers `/history`, `/search` and the start-up
/// replay of each room.
///
/// When a write fails (a full disk, an I/O error) the user is told once, and the rest of the run is kept in an
/// in-memory store: messages are still shown, `/history` and `/search` see both stores, nothing stops.
final class History {
    static let defaultCount = 10
    static let maxCount = 10_000
    static let searchLimit = 50

    let store: Store
    /// Where a failure the user should know about is reported (the front end's error line).
    var onError: ((String) -> Void)?
    let log = Logger(label: "p2p-chat.history")
    /// Where lines go after the disk store failed.
    private var fallback: Store?
    private var isClosed = false

    init(store: Store) {
        self.store = store
    }

    private var stores: [Store] { [store] + (fallback.map { [$0] } ?? []) }

    /// How often the WAL is copied back into the database (instead of inside a commit; see `Store`).
    static let checkpointInterval: Duration = .seconds(1)

    /// Moves WAL checkpoints off the commit path and off the reactor thread: SQLite's automatic ones off,
    /// a passive one per interval on the store's checkpoint thread (`Store.startBackgroundCheckpoints`).
    func startCheckpoints() {
        do {
            try store.setAutomaticCheckpoints(false)
            try store.startBackgroundCheckpoints(every: Self.checkpointInterval)
        } catch {
            log.warning("keeping automatic checkpoints: \(error)")
            try? store.setAutomaticCheckpoints(true)
        }
    }

    /// Stores `line`; returns once it is stored (journaled on disk, or in memory after a failure). The
    /// journal is committed to SQLite by `settle` (from the indexer timer), or by any read.
    func record(_ line: ChatLine) {
        let record = MessageRecord(room: line.room, messageID: line.id.bytes, author: line.author.base58,
                                   username: line.message.username, content: line.message.content,
                                   kind: line.message.kind.rawValue, sentAt: line.message.timestamp,
                                   receivedAt: Store.nowMillis())
        if isClosed { return }   // quitting: the reactor stops before anything else is shown
        if let fallback {
            _ = try? fallback.messages.insert(record)
            return
        }
        do {
            StageTrace.mark(.journalStart)
            try store.messages.append(record)
            StageTrace.mark(.journalEnd)
        } catch {
            failOver(error, also: [record])
        }
    }

    /// The disk store failed: the user is told once, and this run's lines go on in memory — those the
    /// journal still holds too (they also stay in its file, for the next start to commit).
    private func failOver(_ error: Error, also records: [MessageRecord] = []) {
        log.error("storing messages failed: \(error)")
        let memory = try? Store.inMemory()
        for pending in store.messages.journaledRecords + records { _ = try? memory?.messages.insert(pending) }
        store.messages.abandonJournal()
        fallback = memory
        emitError("history is no longer saved: \(error); the chat goes on, this session's messages are kept in memory only")
    }

    /// How long after a line its journal is committed to SQLite (`settle`): a few lines per transaction
    /// under a normal chat, a short pause each (`MessageStore.journalBatch` bounds a flood's).
    static let settleDelay: Duration = .milliseconds(200)

    /// Commits the journaled lines to SQLite (see `MessageJournal`); a failure moves the run to memory.
    /// Never waits for the checkpoint thread's write lock (its write ends in a disk flush, which a busy disk
    /// can stretch to a second): false when that lock was held, and the lines stay journaled for a retry.
    @discardableResult
    func settle() -> Bool {
        guard !isClosed, fallback == nil else { return true }
        do { return try store.messages.flushJournalIfFree() != nil } catch { failOver(error); return true }
    }

    /// How soon a commit or an indexing run that found the write lock held tries again.
    static let busyRetryDelay: Duration = .milliseconds(100)

    /// What an indexing run left: nothing, more lines (a full batch), or everything (the lock was held).
    enum IndexRun { case done, more, busy }

    /// How long after a stored line the search indexer runs, and the most lines it indexes per run. FTS5
    /// writes a segment per transaction, so fewer, larger batches cost less in all; a full batch means more
    /// are waiting, and the next run comes after `indexCatchUpDelay` (a flood is indexed as fast as it comes,
    /// in slices short enough not to hold a keystroke).
    static let indexDelay: Duration = .seconds(1)
    static let indexCatchUpDelay: Duration = .milliseconds(10)
    static let indexBatch = 256

    /// Moves up to `indexBatch` stored lines into the search index (`MessageStore.indexPending`), unless
    /// the write lock is held (see `settle`). Runs from a timer, never between a line's commit and its showing.
    func indexForSearch() -> IndexRun {
        guard settle() else { return .busy }
        guard !isClosed, fallback == nil else { return .done }
        do {
            guard let indexed = try store.messages.indexPendingIfFree(limit: Self.indexBatch) else { return .busy }
            return indexed == Self.indexBatch ? .more : .done
        } catch {
            log.warning("indexing for search: \(error)")   // `/search` indexes what is left itself
            return .done
        }
    }

    /// Messages stored, all rooms (for `ready`).
    var messageCount: Int {
        stores.reduce(0) { $0 + ((try? $1.messages.count()) ?? 0) }
    }

    /// The last `count` messages of `room`, oldest first.
    func last(_ count: Int = History.defaultCount, in room: String) throws -> [MessageRecord] {
        let lines = try stores.flatMap { try $0.messages.last(count, in: room) }
        return lines.enumerated().sorted { ($0.element.receivedAt, $0.offset) < ($1.element.receivedAt, $1.offset) }
            .map(\.element).suffix(count)
    }

    /// Matches of `text` in every room, newest first.
    func search(_ text: String) throws -> [MessageRecord] {
        let found = try stores.flatMap { try $0.messages.search(text, limit: Self.searchLimit) }
        return Array(found.enumerated().sorted { ($0.element.receivedAt, -$0.offset) > ($1.element.receivedAt, -$1.offset) }
            .map(\.element).prefix(Self.searchLimit))
    }

    /// Rooms to rejoin at start (the start room is added by the caller).
    var joinedRooms: [String] { (try? store.rooms.joined()) ?? [] }

    func setJoined(_ room: String, _ joined: Bool) {
        do { try store.rooms.setJoined(room, joined) } catch { log.warning("saving room \(room): \(error)") }
    }

    var savedNick: String? { try? store.settings.value(.nick) }

    func saveNick(_ nick: String) {
        do { try store.settings.set(.nick, nick) } catch { log.warning("saving nick: \(error)") }
    }

    func close() {
        isClosed = true
        store.close()
    }

    /// A stored message as the fields of a `message` event, plus when we received it.
    static func json(_ r: MessageRecord) -> JSON {
        .object([("room", .string(r.room)), ("type", .string(r.kind)), ("from", .string(r.author)),
                 ("username", .string(r.username)), ("content", .string(r.content)),
                 ("timestamp", .int(Int(r.sentAt))), ("id", .string(MessageID(bytes: r.messageID).description)),
                 ("received_at", .int(Int(r.receivedAt)))])
    }

    private func emitError(_ message: String) {
        onError?(message)
    }
}
