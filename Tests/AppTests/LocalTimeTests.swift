import Foundation
import Testing
@testable import App

/// `LocalTime` (libc's local clock) against what Foundation's `DateFormatter` and `TimeZone` gave before it:
/// run the suite with another `TZ` (e.g. `TZ=America/New_York`) to check an offset and daylight saving time.
@Suite("LocalTime: the local clock without Foundation")
struct LocalTimeTests {
    static let instants = [
        0, 951_782_400 /* 2000-02-29 */, 1_699_100_000, 1_700_000_000, 1_711_846_800 /* near EU DST */,
        1_720_000_000, 1_735_689_599 /* 2024-12-31 23:59:59 UTC */, 4_102_444_799, -86_400,
    ]

    @Test("/history and /search lines: DateFormatter's \"MMM d HH:mm\"", arguments: instants)
    func monthDayTime(seconds: Int) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")   // English, as Locale.current (en_001) on Linux, any LANG
        formatter.dateFormat = "MMM d HH:mm"
        #expect(LocalTime.monthDayTime(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    @Test("the screen's UTC offset: TimeZone.current.secondsFromGMT", arguments: instants)
    func utcOffset(seconds: Int) {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        #expect(LocalTime.utcOffset(at: seconds) == TimeZone.current.secondsFromGMT(for: date))
    }
}
