/// Where a room's stored entries come from, one page at a time. The App implements it on the store
/// (keyset pages by message ID), tests on a generator, so a room of 10^6 messages is never read whole.
public protocol HistorySource: AnyObject {
    /// Up to `limit` entries of `room` just before `before` (the newest when nil), oldest first.
    func page(room: String, before: ChatEntry.ID?, limit: Int) -> [ChatEntry]
    /// Up to `limit` entries of `room` just after `after` (the oldest when nil), oldest first.
    func page(room: String, after: ChatEntry.ID?, limit: Int) -> [ChatEntry]
}
