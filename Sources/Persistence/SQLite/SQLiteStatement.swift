import CSQLite

/// A value bound to a statement's `?`.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null

    static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }
    static func optional(_ integer: Int64?) -> SQLiteValue { integer.map { .integer($0) } ?? .null }
    static func bool(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int64) { self = .integer(value) }
}

/// A compiled statement kept by its `SQLiteConnection`: bind, step, read columns, reset.
final class SQLiteStatement {
    private var raw: OpaquePointer?
    private let connection: OpaquePointer?

    init(_ raw: OpaquePointer, connection: OpaquePointer?) {
        self.raw = raw
        self.connection = connection
    }

    /// Binds `values` to the `?`s in order.
    func bind(_ values: [SQLiteValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let n): rc = sqlite3_bind_int64(raw, index, n)
            case .null: rc = sqlite3_bind_null(raw, index)
            case .text(let s):
                // Never a nil pointer, even for "" (SQLite would bind NULL).
                rc = s.withCString { csqlite_bind_text(raw, index, $0, Int32(s.utf8.count)) }
            case .blob(let bytes):
                // An empty blob is a zero-length blob, not NULL: the pointer must not be nil.
                rc = bytes.withUnsafeBytes { csqlite_bind_blob(raw, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count)) }
            }
            guard rc == SQLITE_OK else { throw SQLiteError(rc, connection) }
        }
    }

    /// Moves to the next row: true on a row, false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(raw) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw SQLiteError(rc, connection)
        }
    }

    /// Ready to run again, with no values bound.
    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    func finalize() {
        sqlite3_finalize(raw)
        raw = nil
    }

    // MARK: Columns of the current row (0-based)

    var columnCount: Int { Int(sqlite3_column_count(raw)) }

    func isNull(_ column: Int) -> Bool { sqlite3_column_type(raw, Int32(column)) == SQLITE_NULL }

    func int64(_ column: Int) -> Int64 { sqlite3_column_int64(raw, Int32(column)) }

    func text(_ column: Int) -> String {
        guard let bytes = sqlite3_column_text(raw, Int32(column)) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func blob(_ column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, Int32(column)))
        guard count > 0, let bytes = sqlite3_column_blob(raw, Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }
    func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }
}
