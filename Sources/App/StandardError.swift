#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes all of `bytes` to `fd` with write(2), again after a signal (`EINTR`). Any other error drops the
/// rest: the log file and stderr have nowhere to report it.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return }
        offset += n
    }
}

/// One line on stderr (which holds the notices and fatal errors; stdout is the JSON event stream).
func printToStandardError(_ line: String) {
    writeAll(STDERR_FILENO, Array((line + "\n").utf8))
}
