extension MDNS {
    /// Answers the questions about us in a query: the service PTR (with TXT, SRV and addresses in the
    /// additional section), our instance's TXT/SRV, and our host name's A/AAAA.
    ///
    /// - From port 5353 without the QU bit: one multicast response (at most one a second).
    /// - QU (unicast wanted): a unicast reply, and a multicast one too unless we multicast within a
    ///   quarter of the TTL (RFC 6762 §5.4); on one host several sockets share port 5353 and the
    ///   kernel hands a unicast datagram to only one of them, so the multicast copy is what reaches
    ///   everyone.
    /// - From another port (legacy unicast, RFC 6762 §6.7): a unicast reply echoing the ID and the
    ///   questions, with short TTLs.
    mutating func answer(_ query: DNSMessage, from sender: SocketAddress, now: Instant) {
        guard !addresses.isEmpty else { return }
        let legacy = sender.port != config.port
        let ttl = legacy ? min(config.recordTTL, MDNSConfig.legacyUnicastTTL) : config.recordTTL
        var answers: [DNSRecord] = []
        var asked: [DNSQuestion] = []
        var wantsUnicast = true
        for question in query.questions where question.recordClass == DNSRecord.classIN || question.recordClass == 255 {
            let records = records(answering: question, ttl: ttl)
            guard !records.isEmpty else { continue }
            asked.append(question)
            wantsUnicast = wantsUnicast && question.unicastResponse
            for record in records where !answers.contains(record) { answers.append(record) }
        }
        guard !answers.isEmpty else { return }
        let additionals = ownRecords(ttl: ttl).filter { record in
            record.type != .ptr && !answers.contains(record)
        }
        var response = DNSMessage(flags: DNSMessage.responseFlag | DNSMessage.authoritativeFlag,
                                  answers: answers, additionals: additionals)
        if legacy {
            response.id = query.id
            response.questions = asked
            send(response, to: .unicast(sender))
            return
        }
        if wantsUnicast {
            send(response, to: .unicast(sender))
            let quarter = Duration.seconds(Int64(config.recordTTL / 4))
            if let last = lastMulticastResponse, now - last < quarter { return }
        }
        // RFC 6762 §6: a record is multicast at most once a second, so a query flood cannot make us
        // flood. A query inside that second still gets one answer, when the second is over (`tick`).
        if let last = lastMulticastResponse, now - last < MDNSConfig.minMulticastInterval {
            deferredResponseAt = last + MDNSConfig.minMulticastInterval
            return
        }
        send(response, to: .multicast)
        lastMulticastResponse = now
        deferredResponseAt = nil
    }

    /// Sends the answer held back by the once-a-second rule, when due: all our records.
    mutating func sendDeferredResponse(now: Instant) {
        guard let due = deferredResponseAt, due <= now else { return }
        deferredResponseAt = nil
        guard !addresses.isEmpty else { return }
        send(fullResponse(ttl: config.recordTTL), to: .multicast)
        lastMulticastResponse = now
    }

    /// Queues the goodbye (RFC 6762 §10.1): our records with TTL 0, so peers forget us at once.
    public mutating func goodbye() {
        guard !addresses.isEmpty else { return }
        deferredResponseAt = nil
        send(fullResponse(ttl: 0), to: .multicast)
    }

    /// PTR as the answer, our other records as additionals.
    private func fullResponse(ttl: UInt32) -> DNSMessage {
        let records = ownRecords(ttl: ttl)
        return DNSMessage(flags: DNSMessage.responseFlag | DNSMessage.authoritativeFlag,
                          answers: Array(records.prefix(1)), additionals: Array(records.dropFirst()))
    }

    private mutating func send(_ message: DNSMessage, to destination: Destination) {
        // Our records are bounded (≤ 24 addresses of ≤ 247 bytes, valid names), so this encodes;
        // if it ever did not, staying silent is the safe failure.
        guard let bytes = try? message.encode() else { return }
        outbox.append(Packet(destination: destination, bytes: bytes))
    }

    private func records(answering question: DNSQuestion, ttl: UInt32) -> [DNSRecord] {
        let all = ownRecords(ttl: ttl)
        let any = question.type == .any
        return all.filter { record in
            record.name == question.name && (any || record.type == question.type)
        }
    }

    /// Everything we publish: PTR (shared), then TXT, SRV, A and AAAA (unique: cache-flush set).
    func ownRecords(ttl: UInt32) -> [DNSRecord] {
        var records = [
            DNSRecord(name: config.serviceName, ttl: ttl, data: .ptr(instanceName)),
            DNSRecord(name: instanceName, ttl: ttl, data: .txt(txtStrings), cacheFlush: true),
            DNSRecord(name: instanceName, ttl: ttl,
                      data: .srv(priority: 0, weight: 0, port: advertisedPort, target: hostName), cacheFlush: true),
        ]
        for address in addresses {
            switch address.components.first {
            case .ip4(let ip)?:
                let record = DNSRecord(name: hostName, ttl: ttl, data: .a(ip), cacheFlush: true)
                if !records.contains(record) { records.append(record) }
            case .ip6(let ip)?:
                let record = DNSRecord(name: hostName, ttl: ttl, data: .aaaa(ip), cacheFlush: true)
                if !records.contains(record) { records.append(record) }
            default:
                continue
            }
        }
        return records
    }

    /// `dnsaddr=<address>` per advertised address; ones too long for a 255-byte string are left out.
    var txtStrings: [[UInt8]] {
        addresses.map { Array("dnsaddr=\($0)".utf8) }.filter { $0.count <= 255 }
    }

    /// The TCP port of our first address, for the SRV record (0 when none).
    private var advertisedPort: UInt16 {
        for address in addresses {
            if let port = address.components.lazy.compactMap({ component -> UInt16? in
                if case .tcp(let port) = component { return port } else { return nil }
            }).first { return port }
        }
        return 0
    }
}
