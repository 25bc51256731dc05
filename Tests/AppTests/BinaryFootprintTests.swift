import Foundation
import Testing

/// The shipped binary links no Foundation beyond FoundationEssentials: full Foundation brings ICU (34 MB of data,
/// three quarters of the binary). One `import Foundation` anywhere in the app's modules, or a dependency
/// trait that pulls it in (swift-protobuf's `BinaryDelimitedStreams`), would add it back; in the dynamically
/// linked test build that shows as a needed library.
@Suite("binary footprint")
struct BinaryFootprintTests {
    @Test("p2p-chat needs no libFoundation, FoundationInternationalization or ICU")
    func noFullFoundation() throws {
        let binary = try InteropEnvironment.requireBinary()
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [binary]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        try ldd.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        #expect(ldd.terminationStatus == 0, "\(output)")
        #expect(output.contains("libsodium"), "ldd lists the binary's libraries: \(output)")
        for library in ["libFoundation.so", "libFoundationInternationalization", "lib_FoundationICU", "libFoundationNetworking"] {
            #expect(!output.contains(library), "\(binary) needs \(library):\n\(output)")
        }
    }
}
