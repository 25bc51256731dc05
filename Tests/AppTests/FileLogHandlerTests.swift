import Foundation
import Logging
import Testing
@testable import App

/// The log file's lines: the hand-made local timestamp, and appending through the sink.
@Suite("FileLogHandler: stamped lines appended to the log file")
struct FileLogHandlerTests {
    @Test("the stamp is ISO 8601 local time with the UTC offset, naming the same instant", arguments: [
        0, 1_000_000_000, 1_795_573_709, 951_782_400 /* 2000-02-29 */, 4_102_444_799 /* 2099-12-31 23:59:59 */,
    ])
    func stamp(seconds: Int) throws {
        let text = String(decoding: FileLogHandler.timestamp(seconds: seconds, milliseconds: 7), as: UTF8.self)
        #expect(text.utf8.count == 29, "\(text)")
        #expect((try text.wholeMatch(of: Regex(#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.007[+-]\d\d:\d\d"#))) != nil, "\(text)")
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(parser.date(from: text), "\(text)")
        #expect(abs(date.timeIntervalSince1970 - (Double(seconds) + 0.007)) < 0.0005)
    }

    @Test("lines are appended (not truncated) to a file created with mode 0600")
    func appends() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p2p-chat.log").path
        do {
            let handler = FileLogHandler(label: "test.first", sink: .init(path: path), logLevel: .info)
            handler.log(level: .info, message: "one", metadata: nil, source: "", file: "", function: "", line: 0)
        }
        let handler = FileLogHandler(label: "test.second", sink: .init(path: path), logLevel: .info)
        handler.log(level: .warning, message: "two \(2)", metadata: nil, source: "", file: "", function: "", line: 0)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" info test.first: one") && lines[1].hasSuffix(" warning test.second: two 2"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
