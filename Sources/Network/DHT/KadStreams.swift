/// Our side of one request: write it, read one length-prefixed reply (unless fire-and-forget), then FIN.
final class KadRequestStream: StreamHandler {
    unowned let service: DHTService
    let id: Kademlia.RequestID?
    let request: KadMessage
    var reader = KadFrameReader()
    var done = false

    init(service: DHTService, id: Kademlia.RequestID?, request: KadMessage) {
        self.service = service
        self.id = id
        self.request = request
    }

    func streamOpened(_ stream: HostStream) {
        stream.write(request.framed())
        if id == nil { stream.closeWrite() }   // ADD_PROVIDER: nobody waits for py's echo
    }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        guard let id, !done else { return }
        reader.feed(bytes)
        do {
            guard let reply = try reader.next() else { return }
            done = true
            stream.closeWrite()
            service.responded(id, reply)
        } catch {
            done = true
            stream.reset()
            service.requestFailed(id, error)
        }
    }

    func streamRemoteClosed(_ stream: HostStream) {
        stream.closeWrite()
        if let id, !done { done = true; service.requestFailed(id, nil) }
    }

    func streamClosed(_ stream: HostStream, error: HostError?) {
        if let id, !done { done = true; service.requestFailed(id, error) }
    }
}

/// A peer's kad stream to us (server mode): every request frame is answered in order on the same stream.
/// Bad input (oversized or garbage frame, refused request) resets the stream.
final class KadServerStream: StreamHandler {
    unowned let service: DHTService
    var reader = KadFrameReader()

    init(service: DHTService) { self.service = service }

    func stream(_ stream: HostStream, received bytes: [UInt8]) {
        reader.feed(bytes)
        do {
            while let request = try reader.next() {
                if let reply = try service.answer(request, from: stream.peer) { stream.write(reply.framed()) }
            }
        } catch {
            service.host.log.info("bad kad request from \(stream.peer): \(error)")
            stream.reset()
        }
    }

    func streamRemoteClosed(_ stream: HostStream) { stream.closeWrite() }
}
