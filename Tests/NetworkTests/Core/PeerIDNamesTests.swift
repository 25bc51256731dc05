import Testing
@testable import Network

/// `PeerID.base58` goes through the process-wide `PeerIDNames` cache: same text as the encoder, bounded.
@Suite struct PeerIDNamesTests {
    static func randomPeer() -> PeerID { PeerID(publicKey: PrivateKey.generate().publicKey) }

    @Test func cachedNameIsTheBase58Encoding() {
        for _ in 0..<20 {
            let peer = Self.randomPeer()
            #expect(peer.base58 == Base58.encode(peer.bytes))
            #expect(peer.base58 == Base58.encode(peer.bytes))   // the second answer comes from the cache
        }
    }

    @Test func equalPeerIDsShareOneNameAndDistinctOnesDoNot() throws {
        let a = Self.randomPeer(), b = Self.randomPeer()
        let again = try PeerID(multihash: a.bytes)
        #expect(a.base58 == again.base58)
        #expect(a.base58 != b.base58)
        #expect(try PeerID(a.base58) == a)
    }

    @Test func cacheStaysWithinItsCapacity() {
        for _ in 0..<(PeerIDNames.capacity + 10) {
            var bytes: [UInt8] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20]
            bytes += Sodium.randomBytes(32)
            let peer = try! PeerID(multihash: bytes)
            #expect(peer.base58 == Base58.encode(bytes))
        }
        #expect(PeerIDNames.count <= PeerIDNames.capacity)
    }
}
