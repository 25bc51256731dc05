import Foundation
import Testing
@testable import Persistence

@Suite("KeyFile: the identity file is made once, kept private, and read back")
struct KeyFileTests {
    let dir: String = {
        let path = NSTemporaryDirectory() + "keyfile-\(UUID().uuidString)"
        try! KeyFile.ensureDirectory(path)
        return path
    }()

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    @Test("created with mode 0600 on first use, then returned unchanged")
    func createThenReuse() throws {
        let path = dir + "/identity.key"
        var calls = 0
        let first = try KeyFile.loadOrCreate(at: path) { calls += 1; return [1, 2, 3] }
        let second = try KeyFile.loadOrCreate(at: path) { calls += 1; return [9, 9, 9] }
        #expect(first == [1, 2, 3] && second == [1, 2, 3] && calls == 1)
        #expect(mode(path) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test("a file readable by others is refused with advice")
    func tooPermissive() throws {
        let path = dir + "/open.key"
        FileManager.default.createFile(atPath: path, contents: Data([1]), attributes: [.posixPermissions: 0o644])
        #expect(throws: KeyFile.KeyFileError.tooPermissive(path: path, mode: 0o644)) {
            try KeyFile.loadOrCreate(at: path) { [0] }
        }
        #expect("\(KeyFile.KeyFileError.tooPermissive(path: path, mode: 0o644))".contains("chmod 600"))
    }

    @Test("an empty file is an error, not a silent new identity")
    func empty() throws {
        let path = dir + "/empty.key"
        FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o600])
        #expect(throws: KeyFile.KeyFileError.empty(path: path)) { try KeyFile.loadOrCreate(at: path) { [0] } }
    }

    @Test("nested directories are created with mode 0700; an unwritable place is a typed error")
    func directories() throws {
        let nested = dir + "/a/b/c"
        try KeyFile.ensureDirectory(nested)
        #expect(mode(nested) == 0o700)
        #expect(throws: KeyFile.KeyFileError.self) { try KeyFile.ensureDirectory("/proc/self/no-such/dir") }
    }
}
