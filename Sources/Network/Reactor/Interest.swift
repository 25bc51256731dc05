/// What a watcher wants to hear about on a file descriptor.
///
/// Ask for `.write` only while there is something to write (an outbox is non-empty): poll(2) is
/// level-triggered, so a socket with free send buffer space is "writable" on every single tick.
/// An empty interest parks the descriptor: the poller ignores it entirely (errors and hangups included)
/// until the interest is widened again, so a paused reader never spins on a level-triggered hangup.
public struct Interest: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = Interest(rawValue: 1 << 0)
    public static let write = Interest(rawValue: 1 << 1)

    public var description: String { describe(self, [(.read, "read"), (.write, "write")]) }
}

/// What the poller observed on a file descriptor.
///
/// `.error` and `.hangup` are reported whether or not they were asked for (as poll(2) does).
/// After `.hangup` the kernel may still hold unread bytes: keep reading until `.eof`.
public struct Readiness: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = Readiness(rawValue: 1 << 0)
    public static let write = Readiness(rawValue: 1 << 1)
    public static let error = Readiness(rawValue: 1 << 2)
    public static let hangup = Readiness(rawValue: 1 << 3)

    public var description: String {
        describe(self, [(.read, "read"), (.write, "write"), (.error, "error"), (.hangup, "hangup")])
    }
}

/// Renders an option set as `[read, write]`.
private func describe<S: OptionSet>(_ set: S, _ names: [(S, String)]) -> String where S.Element == S {
    "[" + names.filter { set.contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
}
