import Foundation
import Testing
@testable import Persistence

@Suite("PeerStore, RoomStore and SettingsStore")
struct PeerAndSettingsTests {
    @Test("peer addresses: newest first, merged without duplicates, capped; agent kept when not given")
    func peerAddresses() throws {
        let store = try Store.inMemory()
        try store.peers.saw("A", addresses: ["/ip4/1.1.1.1/tcp/1"], agent: "go", at: 10)
        try store.peers.saw("A", addresses: ["/ip4/2.2.2.2/tcp/2", "/ip4/1.1.1.1/tcp/1"], connected: true, at: 20)
        let a = try #require(try store.peers.peer("A"))
        #expect(a.addresses == ["/ip4/2.2.2.2/tcp/2", "/ip4/1.1.1.1/tcp/1"])
        #expect(a.agent == "go")
        #expect(a.lastSeen == 20 && a.lastConnected == 20)
        try store.peers.saw("A", addresses: (0..<40).map { "/ip4/10.0.0.\($0)/tcp/1" }, at: 30)
        #expect(try store.peers.peer("A")?.addresses.count == PeerStore.maxAddresses)
        #expect(try store.peers.peer("A")?.lastConnected == 20, "a sighting alone keeps last_connected")
    }

    @Test("known peers: only those with addresses, most recent first")
    func known() throws {
        let store = try Store.inMemory()
        try store.peers.saw("old", addresses: ["/ip4/1.1.1.1/tcp/1"], at: 1)
        try store.peers.saw("new", addresses: ["/ip4/2.2.2.2/tcp/1"], at: 2)
        try store.peers.saw("none", addresses: [], at: 3)
        #expect(try store.peers.known().map(\.peerID) == ["new", "old"])
    }

    @Test("rooms: joined set and a read marker that only moves forward")
    func rooms() throws {
        let store = try Store.inMemory()
        try store.rooms.setJoined("a", true, at: 1)
        try store.rooms.setJoined("b", true, at: 2)
        try store.rooms.setJoined("a", false, at: 3)
        #expect(try store.rooms.joined() == ["b"])
        try store.rooms.markRead("b", upTo: 10)
        try store.rooms.markRead("b", upTo: 5)
        #expect(try store.rooms.readMarker("b") == 10)
        #expect(try store.rooms.readMarker("nowhere") == 0)
    }

    @Test("settings: set, replace, remove")
    func settings() throws {
        let store = try Store.inMemory()
        #expect(try store.settings.value(.nick) == nil)
        try store.settings.set(.nick, "alice")
        try store.settings.set(.nick, "bob")
        #expect(try store.settings.value(.nick) == "bob")
        try store.settings.set(.nick, nil)
        #expect(try store.settings.value(.nick) == nil)
    }
}

@Suite("SettingsStore keys for the full-screen client")
struct ScreenSettingsTests {
    @Test("theme and input history are stored like any setting")
    func screenKeys() throws {
        let store = try Store.inMemory()
        try store.settings.set(.theme, "light")
        try store.settings.set(.inputHistory, "[\"hello\"]")
        #expect(try store.settings.value(.theme) == "light")
        #expect(try store.settings.value(.inputHistory) == "[\"hello\"]")
        #expect(try store.settings.value(.nick) == nil)
    }
}
