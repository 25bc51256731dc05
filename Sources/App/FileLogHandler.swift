#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// swift-log handler appending to `<data-dir>/p2p-chat.log`: logs never reach stdout or stderr,
/// which belong to the JSON event stream and the screen. A line is
///
///     2026-12-02T05:13:12.345+01:00 info p2p-chat.session: quitting
///
/// stamped in local time with the UTC offset. The stamp is formatted by hand: Foundation's ISO 8601
/// formatter built a formatter per line (~100 µs, on the reactor).
struct FileLogHandler: LogHandler {
    /// The log file, opened once for appending (mode 0600 when created). Lines go out with one `write(2)`
    /// each, so lines from the reactor and from lookup threads never interleave within a line.
    final class Sink {
        let fd: Int32
        init(path: String) {
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        }
        deinit { if fd >= 0 { close(fd) } }

        func append(_ line: [UInt8]) {
            guard fd >= 0 else { return }
            writeAll(fd, line)
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        var out = Self.timestamp()
        out.append(0x20)
        out.append(contentsOf: "\(level) \(label): \(message)\n".utf8)
        sink.append(out)
    }

    /// Now as `YYYY-MM-DDTHH:MM:SS.mmm±HH:MM`, local time.
    static func timestamp() -> [UInt8] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return timestamp(seconds: now.tv_sec, milliseconds: Int(now.tv_nsec / 1_000_000))
    }

    /// `seconds` since the epoch as `YYYY-MM-DDTHH:MM:SS.mmm±HH:MM` in the local time zone (`TZ`).
    static func timestamp(seconds: Int, milliseconds: Int) -> [UInt8] {
        let parts = LocalTime.parts(seconds)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = abs(value)
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(milliseconds, 3)
        let offset = Int(parts.tm_gmtoff) / 60
        out.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        digits(abs(offset) / 60, 2); out.append(UInt8(ascii: ":"))
        digits(abs(offset) % 60, 2)
        return out
    }
}
