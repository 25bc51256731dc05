import Foundation
@testable import Persistence

/// A fresh temporary directory path (created), removed by the caller.
func temporaryDirectory(_ label: String) -> String {
    let path = NSTemporaryDirectory() + "store-\(label)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A store opened (with its directory lock) in a fresh temporary directory for `body`, closed and removed after.
func withTemporaryStore(_ label: String, _ body: (Store, String) throws -> Void) throws {
    let dir = temporaryDirectory(label)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try Store.open(directory: dir)
    defer { store.close() }
    try body(store, dir)
}

/// A message with a distinct ID from `n`, in `room`, received at `at` (ms).
func message(_ n: Int, room: String = "r", content: String? = nil, at: Int64? = nil,
             author: String = "12D3KooWAuthor") -> MessageRecord {
    var id = Array("id-".utf8)
    withUnsafeBytes(of: UInt64(n).bigEndian) { id += $0 }
    return MessageRecord(room: room, messageID: id, author: author, username: "user",
                         content: content ?? "message \(n)", kind: "message", sentAt: 1_700_000_000 + Int64(n),
                         receivedAt: at ?? 1_700_000_000_000 + Int64(n))
}
