/// Failures of the reactor itself (its syscalls fail with `Errno`).
public enum ReactorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Signal dispositions are per process; another live reactor already receives them.
    case signalsOwnedByAnotherReactor
    /// The signal number cannot travel through the self-pipe (must be 1...255).
    case unsupportedSignal(Int32)

    public var description: String {
        switch self {
        case .signalsOwnedByAnotherReactor: return "another reactor already handles signals"
        case .unsupportedSignal(let signo): return "unsupported signal \(signo)"
        }
    }
}
