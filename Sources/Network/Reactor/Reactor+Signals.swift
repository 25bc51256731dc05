extension Reactor {
    /// Runs `body` on the reactor thread, in a later tick, whenever `signo` arrives (SIGINT, SIGTERM,
    /// SIGWINCH, ...). Signals arriving together are delivered once each, in arrival order.
    ///
    /// Signals are per process: only one reactor at a time may handle them (the first to call
    /// this; it gives them back, restoring the default actions, when it is deallocated). Several
    /// bodies may be registered for one signal; they run in registration order.
    public func onSignal(_ signo: Int32, _ body: @escaping () -> Void) throws {
        let pipe = try signalPipe ?? SignalPipe.claim(by: ObjectIdentifier(self))
        signalPipe = pipe
        try pipe.install(signo)
        signalHandlers[signo, default: []].append(body)
        if signalWatch == nil {
            signalWatch = watch(pipe.readFD, .read) { [unowned self] _ in self.deliverSignals() }
        }
    }

    private func deliverSignals() {
        guard let pipe = signalPipe else { return }
        for signo in pipe.drain() {
            for body in signalHandlers[signo] ?? [] { body() }
        }
    }
}
