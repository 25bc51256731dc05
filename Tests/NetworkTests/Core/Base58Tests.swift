import Testing
@testable import Network

@Suite struct Base58Tests {
    static let vectors: [(String, String)] = [
        ("", ""),
        ("00", "1"),
        ("000001", "112"),
        ("61", "2g"),
        ("68656c6c6f20776f726c64", "StV1DL6CwTryKyV"),
        ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ]

    @Test(arguments: vectors)
    func encodesAndDecodes(hex: String, text: String) {
        let bytes = WireChunking.bytes(hex)
        #expect(Base58.encode(bytes) == text)
        #expect(Base58.decode(text) == bytes)
    }

    @Test(arguments: ["0", "O", "I", "l", "abc+", "é"])
    func rejectsCharactersOutsideTheAlphabet(text: String) {
        #expect(Base58.decode(text) == nil)
    }

    @Test func roundTripsRandomBytes() {
        for length in [1, 2, 31, 32, 38, 64] {
            let bytes = [0, 0] + Sodium.randomBytes(length)
            #expect(Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test func peerIDVectorFromTheSpec() throws {
        let key = try PublicKey(protobuf: WireChunking.bytes(
            "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"))
        #expect(key.peerID.base58 == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
        #expect(key.peerID.cidV1 == "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6")
    }

    @Test func base32RoundTrips() {
        #expect(Base32.encode(Array("foobar".utf8)) == "mzxw6ytboi")
        #expect(Base32.decode("mzxw6ytboi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YTBOI") == Array("foobar".utf8))
        #expect(Base32.decode("mzxw6ytbo1") == nil)
    }
}
