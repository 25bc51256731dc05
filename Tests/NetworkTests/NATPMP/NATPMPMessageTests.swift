import Testing
@testable import Network

/// The NAT-PMP codec against byte vectors written from RFC 6886's layouts.
@Suite struct NATPMPMessageTests {
    @Test func externalAddressRequestIsVersionAndOpcode() {
        #expect(NATPMPMessage.externalAddressRequest() == [0, 0])
    }

    @Test func mapTCPRequestLayout() {
        // internal 4001 = 0x0FA1, suggested 4001, lifetime 7200 = 0x1C20
        #expect(NATPMPMessage.mapTCPRequest(internalPort: 4001, suggestedExternalPort: 4001, lifetime: 7200)
                == [0, 2, 0, 0, 0x0F, 0xA1, 0x0F, 0xA1, 0, 0, 0x1C, 0x20])
        #expect(NATPMPMessage.mapTCPRequest(internalPort: 4001, suggestedExternalPort: 0, lifetime: 0)
                == [0, 2, 0, 0, 0x0F, 0xA1, 0, 0, 0, 0, 0, 0])
    }

    @Test func parsesExternalAddressResponse() throws {
        let bytes: [UInt8] = [0, 128, 0, 0, 0, 0, 0x01, 0x2C, 203, 0, 113, 7]
        #expect(try NATPMPMessage.parse(bytes) == .externalAddress(epoch: 300, address: [203, 0, 113, 7]))
    }

    @Test func parsesMapTCPResponse() throws {
        let bytes: [UInt8] = [0, 130, 0, 0, 0, 0, 0x01, 0x2C, 0x0F, 0xA1, 0x9C, 0x41, 0, 0, 0x0E, 0x10]
        #expect(try NATPMPMessage.parse(bytes)
                == .mapTCP(epoch: 300, internalPort: 4001, externalPort: 40001, lifetime: 3600))
    }

    @Test func ignoresBytesPastTheLayout() throws {
        let bytes: [UInt8] = [0, 128, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 0xFF]
        #expect(try NATPMPMessage.parse(bytes) == .externalAddress(epoch: 1, address: [1, 2, 3, 4]))
    }

    static let malformed: [([UInt8], NATPMPError)] = [
        ([], .truncated(expected: 8, got: 0)),
        ([0], .truncated(expected: 8, got: 1)),
        ([0, 128, 0, 0, 0], .truncated(expected: 8, got: 5)),
        ([0, 128, 0, 0, 0, 0, 0, 1, 1, 2, 3], .truncated(expected: 12, got: 11)),
        ([0, 130, 0, 0, 0, 0, 0, 1, 0x0F, 0xA1, 0x9C, 0x41, 0, 0, 0x0E], .truncated(expected: 16, got: 15)),
        ([1, 128, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4], .unsupportedVersion(1)),
        ([0, 129, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1], .unknownOpcode(129)),   // a UDP mapping
        ([0, 2, 0, 0, 0x0F, 0xA1, 0x0F, 0xA1, 0, 0, 0x1C, 0x20], .unknownOpcode(2)),    // a request
        ([0, 255, 0, 0, 0, 0, 0, 1], .unknownOpcode(255)),
        ([0, 128, 0, 1, 0, 0, 0, 1], .failed(.unsupportedVersion)),   // error responses may stop after the epoch
        ([0, 130, 0, 2, 0, 0, 0, 1], .failed(.notAuthorized)),
        ([0, 130, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .failed(.networkFailure)),
        ([0, 130, 0, 4, 0, 0, 0, 1], .failed(.outOfResources)),
        ([0, 128, 0, 5, 0, 0, 0, 1], .failed(.unsupportedOpcode)),
        ([0, 128, 0x12, 0x34, 0, 0, 0, 1], .failed(NATPMPResultCode(rawValue: 0x1234))),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(bytes: [UInt8], error: NATPMPError) {
        #expect(throws: error) { try NATPMPMessage.parse(bytes) }
    }

    @Test func resultCodesHaveRFCNames() {
        #expect(NATPMPResultCode.notAuthorized.description == "not authorized/refused")
        #expect(NATPMPResultCode(rawValue: 9).description == "result code 9")
    }
}
