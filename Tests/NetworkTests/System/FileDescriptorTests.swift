#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Network

@Suite struct FileDescriptorTests {
    @Test func pipeIsNonblockingAndReportsEOF() throws {
        let (r, w) = try FileDescriptor.pipe()
        defer { FileDescriptor.close(r) }
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(try buffer.withUnsafeMutableBytes { try FileDescriptor.read(r, into: $0) } == .wouldBlock)
        #expect(try [UInt8]([1, 2, 3]).withUnsafeBytes { try FileDescriptor.write(w, $0) } == 3)
        #expect(try buffer.withUnsafeMutableBytes { try FileDescriptor.read(r, into: $0) } == .bytes(3))
        FileDescriptor.close(w)
        #expect(try buffer.withUnsafeMutableBytes { try FileDescriptor.read(r, into: $0) } == .eof)
    }

    @Test func fullPipeWouldBlock() throws {
        let (r, w) = try FileDescriptor.pipe()
        defer { FileDescriptor.close(r); FileDescriptor.close(w) }
        let chunk = [UInt8](repeating: 1, count: 65536)
        var writes = 0
        while try chunk.withUnsafeBytes({ try FileDescriptor.write(w, $0) }) != nil {
            writes += 1
            if writes > 1000 { break }
        }
        #expect(writes < 1000)
    }

    @Test func readingAClosedDescriptorThrowsEBADF() {
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(throws: Errno.badFileDescriptor) {
            try buffer.withUnsafeMutableBytes { try FileDescriptor.read(-5, into: $0) }
        }
    }
}
