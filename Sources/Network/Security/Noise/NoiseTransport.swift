/// The post-handshake half of `/noise`: two cipher states, one per direction, each with its own nonce
/// starting at 0, and the length framing of the secured byte stream.
///
///     +------------------+--------------------------------------------------+
///     | u16be(len)       | ChaChaPoly(k, n, ad = empty, plaintext) || tag   |
///     | 2 bytes          | len = plaintext + 16 bytes, 16 ≤ len ≤ 65535     |
///     +------------------+--------------------------------------------------+
///
/// `seal` cuts a write into frames of at most `maxPlaintext` bytes; `open` accepts the byte stream in any
/// chunking, keeping at most one partial frame. Both append to the caller's buffer and encrypt or decrypt in
/// place there, so bulk data is copied once. No rekeying (neither go nor py do it). Any thrown error is fatal:
/// the connection must be closed.
public struct NoiseTransport {
    public static let maxFrameLength = 65535
    public static let maxPlaintext = maxFrameLength - Sodium.aeadTagLength   // 65519
    static let headerLength = 2
    private static let tagSpace = [UInt8](repeating: 0, count: Sodium.aeadTagLength)

    private var sender: CipherState
    private var receiver: CipherState
    /// A partial inbound frame, header included; empty between frames.
    private var pending: [UInt8] = []
    private var failed = false

    init(send: CipherState, receive: CipherState) {
        precondition(send.hasKey && receive.hasKey)
        sender = send
        receiver = receive
    }

    /// Nonces of the next frame to send and to receive.
    public var sendNonce: UInt64 { sender.nonce }
    public var receiveNonce: UInt64 { receiver.nonce }

    /// Bytes of an incomplete inbound frame held back until the rest arrives.
    public var bufferedCount: Int { pending.count }

    /// Encrypts `plaintext` as ⌈count / 65519⌉ frames appended to `out`. An empty write produces nothing.
    /// All or nothing: throws `nonceExhausted` before writing if the frames would need nonce 2^64−1.
    public mutating func seal(_ plaintext: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws {
        guard plaintext.count > 0 else { return }
        let frames = (plaintext.count + Self.maxPlaintext - 1) / Self.maxPlaintext
        guard CipherState.maxNonce - sender.nonce >= UInt64(frames) else { throw NoiseError.nonceExhausted }
        let needed = out.count + plaintext.count + frames * (Self.headerLength + Sodium.aeadTagLength)
        if out.capacity < needed { out.reserveCapacity(Swift.max(needed, 2 * out.capacity)) }

        var offset = 0
        while offset < plaintext.count {
            let n = Swift.min(Self.maxPlaintext, plaintext.count - offset)
            let frameLength = n + Sodium.aeadTagLength
            out.append(UInt8(truncatingIfNeeded: frameLength >> 8))
            out.append(UInt8(truncatingIfNeeded: frameLength))
            let start = out.count
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: plaintext[offset..<(offset + n)]))
            out.append(contentsOf: Self.tagSpace)
            try out.withUnsafeMutableBytes { buffer in
                try sender.sealInPlace(UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + frameLength)]))
            }
            offset += n
        }
    }

    /// Decrypts every whole frame in `pending + bytes`, appending the plaintext to `out`, and keeps a trailing
    /// partial frame for the next call. On error `out` keeps the plaintext of the frames before the bad one.
    public mutating func open(_ bytes: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws {
        guard !failed else { throw NoiseError.decryptFailed }
        do {
            try openFrames(bytes, appendingTo: &out)
        } catch {
            failed = true
            throw error
        }
    }

    private mutating func openFrames(_ bytes: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws {
        var input = bytes[...]
        if !pending.isEmpty {
            if pending.count < Self.headerLength {
                let k = Swift.min(Self.headerLength - pending.count, input.count)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input.prefix(k)))
                input = input.dropFirst(k)
                if pending.count < Self.headerLength { return }
            }
            let total = Self.headerLength + (Int(pending[0]) << 8 | Int(pending[1]))
            let k = Swift.min(total - pending.count, input.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input.prefix(k)))
            input = input.dropFirst(k)
            if pending.count < total { return }
            var frame: [UInt8] = []
            swap(&frame, &pending)
            try frame.withUnsafeBytes { try openFrame(UnsafeRawBufferPointer(rebasing: $0.dropFirst(Self.headerLength)), into: &out) }
            frame.removeAll(keepingCapacity: true)
            pending = frame
        }
        while input.count >= Self.headerLength {
            let bodyStart = input.startIndex + Self.headerLength
            let length = Int(input[input.startIndex]) << 8 | Int(input[input.startIndex + 1])
            guard input.count >= Self.headerLength + length else { break }
            try openFrame(UnsafeRawBufferPointer(rebasing: input[bodyStart..<(bodyStart + length)]), into: &out)
            input = input[(bodyStart + length)...]
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input))
    }

    /// Copies one frame body (ciphertext || tag) to the end of `out` and decrypts it there.
    private mutating func openFrame(_ body: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
        guard body.count >= Sodium.aeadTagLength else {
            throw NoiseError.malformedFrame("transport frame of \(body.count) bytes is shorter than the AEAD tag")
        }
        let start = out.count
        out.append(contentsOf: body)
        do {
            try out.withUnsafeMutableBytes { buffer in
                try receiver.openInPlace(UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
            }
        } catch {
            out.removeSubrange(start...)
            throw error
        }
        out.removeLast(Sodium.aeadTagLength)
    }
}

extension NoiseTransport {
    /// Convenience for byte arrays and slices.
    public mutating func seal<B: ContiguousBytes>(_ plaintext: B, appendingTo out: inout [UInt8]) throws {
        try plaintext.withUnsafeBytes { try seal($0, appendingTo: &out) }
    }

    public mutating func open<B: ContiguousBytes>(_ bytes: B, appendingTo out: inout [UInt8]) throws {
        try bytes.withUnsafeBytes { try open($0, appendingTo: &out) }
    }

    /// Testing hook: a transport whose nonces start elsewhere than 0 (nonce exhaustion).
    init(sendKey: [UInt8], receiveKey: [UInt8], sendNonce: UInt64 = 0, receiveNonce: UInt64 = 0) {
        self.init(send: CipherState(key: sendKey, nonce: sendNonce), receive: CipherState(key: receiveKey, nonce: receiveNonce))
    }
}
