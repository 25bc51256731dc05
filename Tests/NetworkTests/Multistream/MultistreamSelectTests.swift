import Testing
@testable import Network

/// Splits `bytes` into pieces of `size` (the last may be shorter); `Int.max` means one piece.
fileprivate func pieces(_ bytes: [UInt8], _ size: Int) -> [ArraySlice<UInt8>] {
    guard !bytes.isEmpty else { return [] }
    return stride(from: 0, to: bytes.count, by: min(size, bytes.count)).map {
        bytes[$0..<min($0 + size, bytes.count)]
    }
}

fileprivate func message(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    MultistreamMessage.append(text, to: &out)
    return out
}

fileprivate let chunkings = [1, 2, 3, 7, Int.max]
fileprivate let header = message(MultistreamSelect.protocolID)

/// Runs dialer and listener against each other in memory, delivering bytes in `chunk`-sized pieces,
/// until neither has anything to send.
fileprivate func pump(_ dialer: inout MultistreamSelect, _ listener: inout MultistreamSelect, chunk: Int) throws {
    var moved = true
    while moved {
        moved = false
        if let out = dialer.pollTransmit() {
            moved = true
            for piece in pieces(out, chunk) { try listener.receive(piece) }
        }
        if let out = listener.pollTransmit() {
            moved = true
            for piece in pieces(out, chunk) { try dialer.receive(piece) }
        }
    }
}

@Suite struct MultistreamSelectTests {
    @Test func headerAndNaBytesMatchTheSpec() {
        #expect(header.hex == "132f6d756c746973747265616d2f312e302e300a")
        #expect(message("na") == [0x03, 0x6e, 0x61, 0x0a])
        #expect(message("ls") == [0x03, 0x6c, 0x73, 0x0a])
    }

    @Test func dialerPipelinesHeaderAndFirstProposal() {
        var dialer = MultistreamSelect.dialer(proposals: ["/noise", "/tls/1.0.0"])
        #expect(dialer.pollTransmit() == header + message("/noise"))
        #expect(dialer.pollTransmit() == nil)
    }

    @Test func listenerSendsItsHeaderWithoutWaiting() throws {
        var listener = MultistreamSelect.listener(supported: { _ in true })
        #expect(listener.pollTransmit() == header)
        // A py-style dialer sends its header alone and waits: nothing more is due until a proposal arrives.
        try listener.receive(header)
        #expect(listener.pollTransmit() == nil)
        #expect(listener.negotiated == nil)
    }

    @Test(arguments: chunkings) func acceptsFirstProposal(chunk: Int) throws {
        var dialer = MultistreamSelect.dialer(proposals: ["/yamux/1.0.0"])
        var listener = MultistreamSelect.listener(supported: { $0 == "/yamux/1.0.0" })
        try pump(&dialer, &listener, chunk: chunk)
        #expect(dialer.negotiated == "/yamux/1.0.0")
        #expect(listener.negotiated == "/yamux/1.0.0")
        #expect(dialer.takeRemainder().isEmpty)
        #expect(listener.takeRemainder().isEmpty)
    }

    @Test(arguments: chunkings) func naThenAccept(chunk: Int) throws {
        var dialer = MultistreamSelect.dialer(proposals: ["/meshsub/1.2.0", "/meshsub/1.1.0"])
        var listener = MultistreamSelect.listener(supported: { $0 == "/meshsub/1.1.0" })
        for piece in pieces(dialer.pollTransmit() ?? [], chunk) { try listener.receive(piece) }
        #expect(listener.pollTransmit() == header + message("na"))
        for piece in pieces(header + message("na"), chunk) { try dialer.receive(piece) }
        #expect(dialer.pollTransmit() == message("/meshsub/1.1.0"))
        try listener.receive(message("/meshsub/1.1.0"))
        #expect(listener.pollTransmit() == message("/meshsub/1.1.0"))
        try dialer.receive(message("/meshsub/1.1.0"))
        #expect(dialer.negotiated == "/meshsub/1.1.0")
        #expect(listener.negotiated == "/meshsub/1.1.0")
    }

    @Test(arguments: chunkings) func noProtocolInCommon(chunk: Int) throws {
        var dialer = MultistreamSelect.dialer(proposals: ["/a", "/b"])
        var listener = MultistreamSelect.listener(supported: { $0 == "/c" })
        #expect(throws: MultistreamError.noProtocolInCommon(["/a", "/b"])) {
            try pump(&dialer, &listener, chunk: chunk)
        }
        #expect(dialer.negotiated == nil)
        #expect(listener.negotiated == nil)
        // The failure sticks.
        #expect(throws: MultistreamError.noProtocolInCommon(["/a", "/b"])) { try dialer.receive([0x01]) }
    }

    @Test(arguments: chunkings) func pipelinedAppDataStaysInRemainder(chunk: Int) throws {
        let app: [UInt8] = Array("hello, application".utf8) + [0x00, 0x0a, 0xff]
        var listener = MultistreamSelect.listener(supported: { $0 == "/chat/1.0.0" })
        _ = listener.pollTransmit()
        for piece in pieces(header + message("/chat/1.0.0") + app, chunk) { try listener.receive(piece) }
        #expect(listener.negotiated == "/chat/1.0.0")
        #expect(listener.pollTransmit() == message("/chat/1.0.0"))
        // Bytes after completion keep accumulating until taken.
        try listener.receive([1, 2, 3])
        #expect(listener.takeRemainder() == app + [1, 2, 3])
        #expect(listener.takeRemainder().isEmpty)
    }

    @Test(arguments: chunkings) func dialerKeepsBytesAfterTheEcho(chunk: Int) throws {
        var dialer = MultistreamSelect.dialer(proposals: ["/noise"])
        _ = dialer.pollTransmit()
        let noiseMsg2: [UInt8] = [0x00, 0x03, 0xaa, 0xbb, 0xcc]
        for piece in pieces(header + message("/noise") + noiseMsg2, chunk) { try dialer.receive(piece) }
        #expect(dialer.isComplete)
        #expect(dialer.takeRemainder() == noiseMsg2)
    }

    @Test(arguments: chunkings) func lsIsAnsweredInSpecFormat(chunk: Int) throws {
        var listener = MultistreamSelect.listener(supported: { _ in false }, listing: ["/a", "/bc"])
        _ = listener.pollTransmit()
        for piece in pieces(header + message("ls"), chunk) { try listener.receive(piece) }
        // uvarint(total+1) || 03 "/a" 0a || 04 "/bc" 0a || 0a
        let inner: [UInt8] = [0x03] + Array("/a".utf8) + [0x0a, 0x04] + Array("/bc".utf8) + [0x0a]
        #expect(listener.pollTransmit() == [UInt8(inner.count + 1)] + inner + [0x0a])
        #expect(listener.negotiated == nil)
    }

    @Test(arguments: chunkings) func overlongMessageIsRejected(chunk: Int) throws {
        var listener = MultistreamSelect.listener(supported: { _ in true })
        var bytes = header
        Varint.encode(UInt64(MultistreamSelect.maxMessageLength + 1), into: &bytes)
        bytes += [UInt8](repeating: 0x41, count: 40)
        #expect(throws: MultistreamError.messageTooLong(1025)) {
            for piece in pieces(bytes, chunk) { try listener.receive(piece) }
        }
    }

    @Test func maximumLengthMessageIsAccepted() throws {
        let proto = "/" + String(repeating: "x", count: MultistreamSelect.maxMessageLength - 2)
        var listener = MultistreamSelect.listener(supported: { $0 == proto })
        try listener.receive(header + message(proto))
        #expect(listener.negotiated == proto)
    }

    @Test func truncatedVarintWaitsForMore() throws {
        var listener = MultistreamSelect.listener(supported: { _ in true })
        try listener.receive(header + [0x80])
        #expect(listener.negotiated == nil)
    }

    @Test func overlongVarintIsRejected() {
        var listener = MultistreamSelect.listener(supported: { _ in true })
        #expect(throws: MultistreamError.varint(.overlong)) {
            try listener.receive([UInt8](repeating: 0x80, count: 10))
        }
        var other = MultistreamSelect.listener(supported: { _ in true })
        #expect(throws: MultistreamError.varint(.notMinimal)) { try other.receive([0x83, 0x00]) }
    }

    @Test func missingNewlineIsRejected() {
        var listener = MultistreamSelect.listener(supported: { _ in true })
        #expect(throws: MultistreamError.missingNewline) { try listener.receive([0x03, 0x6e, 0x61, 0x21]) }
        var empty = MultistreamSelect.listener(supported: { _ in true })
        #expect(throws: MultistreamError.missingNewline) { try empty.receive([0x00]) }
    }

    @Test func invalidUTF8IsRejected() {
        var listener = MultistreamSelect.listener(supported: { _ in true })
        #expect(throws: MultistreamError.malformedMessage) { try listener.receive([0x03, 0xff, 0xfe, 0x0a]) }
    }

    @Test func wrongHeaderIsRejected() {
        var dialer = MultistreamSelect.dialer(proposals: ["/a"])
        #expect(throws: MultistreamError.unexpectedHeader("/multistream/2.0.0")) {
            try dialer.receive(message("/multistream/2.0.0"))
        }
    }

    @Test func unexpectedAnswerIsRejected() {
        var dialer = MultistreamSelect.dialer(proposals: ["/a"])
        #expect(throws: MultistreamError.unexpectedResponse("/b")) { try dialer.receive(header + message("/b")) }
    }

    @Test func listenerGivesUpAfterTooManyRefusals() throws {
        var listener = MultistreamSelect.listener(supported: { _ in false })
        try listener.receive(header)
        for i in 0..<MultistreamSelect.maxRejectedProposals { try listener.receive(message("/p/\(i)")) }
        #expect(throws: MultistreamError.tooManyAttempts(MultistreamSelect.maxRejectedProposals + 1)) {
            try listener.receive(message("/one/more"))
        }
    }

    @Test func dialerWithNoProposalsFailsAfterHeader() {
        var dialer = MultistreamSelect.dialer(proposals: [])
        #expect(dialer.pollTransmit() == header)
        #expect(throws: MultistreamError.noProtocolInCommon([])) { try dialer.receive(header) }
    }
}
