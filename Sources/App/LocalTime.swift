#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The local clock as libc has it (`localtime_r`: `TZ`, else /etc/localtime). FoundationEssentials has no
/// `DateFormatter`, and its `TimeZone` without ICU may not honour `TZ`.
enum LocalTime {
    /// The broken-down local time of `seconds` since the epoch.
    static func parts(_ seconds: Int) -> tm {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return parts
    }

    /// Seconds east of UTC at `seconds` since the epoch (daylight saving time included).
    static func utcOffset(at seconds: Int) -> Int { Int(parts(seconds).tm_gmtoff) }

    /// `Nov 4 13:05`: the English month, the day unpadded, 24-hour time (`DateFormatter`'s "MMM d HH:mm"
    /// in the locale it has on Linux, en_001, whatever `LANG` says).
    static func monthDayTime(_ seconds: Int) -> String {
        let t = parts(seconds)
        return months[Int(t.tm_mon)] + " \(t.tm_mday) " + twoDigits(Int(t.tm_hour)) + ":" + twoDigits(Int(t.tm_min))
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
