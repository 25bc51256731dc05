import Testing
@testable import Network

/// `/proc/net/route` parsing (addresses as a little-endian machine prints them).
@Suite struct DefaultGatewayTests {
    static let header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\t\t\n"

    @Test func findsTheDefaultRoute() throws {
        try #require(UInt16(1).littleEndian == 1 && UInt16(1).bigEndian != 1, "vectors are little-endian")
        let table = Self.header + """
            eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
            eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
            wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0

            """
        #expect(DefaultGateway.parse(table) == [192, 168, 0, 1])
    }

    @Test func lowestMetricWins() throws {
        try #require(UInt16(1).littleEndian == 1 && UInt16(1).bigEndian != 1, "vectors are little-endian")
        let table = Self.header + """
            eth0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
            wlan0\t00000000\t0101000A\t0003\t0\t0\t50\t00000000\t0\t0\t0
            """
        #expect(DefaultGateway.parse(table) == [10, 0, 1, 1])
    }

    @Test func noDefaultRoute() {
        let table = Self.header + """
            eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
            down0\t00000000\t0100A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0
            """
        #expect(DefaultGateway.parse(table) == nil)
        #expect(DefaultGateway.parse("") == nil)
        #expect(DefaultGateway.parse(Self.header) == nil)
        #expect(DefaultGateway.parse(Self.header + "garbage line\nx\ty\tz\n") == nil)
    }
}
