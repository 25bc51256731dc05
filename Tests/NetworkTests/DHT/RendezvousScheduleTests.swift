import Testing
@testable import Network

@Suite struct RendezvousScheduleTests {
    let clock = ManualClock(start: KadFixture.t0)

    @Test func aNewRoomIsProvidedAndLookedUpAtOnce() {
        var schedule = RendezvousSchedule()
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 0 }, now: clock.now) == [.provide("a"), .findProviders("a")])
        // Nothing is started twice while running.
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 0 }, now: clock.now + .seconds(60)).isEmpty)
    }

    @Test func lookupsAreFasterWhileTheRoomIsEmpty() {
        var schedule = RendezvousSchedule()
        _ = schedule.step(joined: ["a"], peerCount: { _ in 0 }, now: clock.now)
        schedule.provideFinished("a", reached: 3, now: clock.now)
        schedule.lookupFinished("a")
        clock.advance(by: RendezvousSchedule.lonelyLookupInterval - .seconds(1))
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 0 }, now: clock.now).isEmpty)
        clock.advance(by: .seconds(1))
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 0 }, now: clock.now) == [.findProviders("a")])
        schedule.lookupFinished("a")
        // Someone is in the room: the next lookup waits the long interval.
        clock.advance(by: RendezvousSchedule.lonelyLookupInterval)
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 1 }, now: clock.now).isEmpty)
        clock.advance(by: RendezvousSchedule.lookupInterval)
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 1 }, now: clock.now) == [.findProviders("a")])
    }

    @Test func aProvideThatReachedNobodyIsRetriedAndAGoodOneIsRenewedBeforeExpiry() {
        var schedule = RendezvousSchedule()
        _ = schedule.step(joined: ["a"], peerCount: { _ in 1 }, now: clock.now)
        schedule.provideFinished("a", reached: 0, now: clock.now)
        clock.advance(by: .seconds(5))
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 1 }, now: clock.now) == [.provide("a")])
        schedule.provideFinished("a", reached: 20, now: clock.now)
        schedule.lookupFinished("a")
        clock.advance(by: RendezvousSchedule.reprovideInterval - .seconds(1))
        #expect(!schedule.step(joined: ["a"], peerCount: { _ in 1 }, now: clock.now).contains(.provide("a")))
        clock.advance(by: .seconds(1))
        #expect(schedule.step(joined: ["a"], peerCount: { _ in 1 }, now: clock.now).contains(.provide("a")))
        #expect(RendezvousSchedule.reprovideInterval < ProviderStore.recordTTL)
    }

    @Test func leftRoomsAreForgottenAndAFilledTableRetriesLonelyRooms() {
        var schedule = RendezvousSchedule()
        _ = schedule.step(joined: ["a", "b"], peerCount: { _ in 0 }, now: clock.now)
        for room in ["a", "b"] {
            schedule.provideFinished(room, reached: 1, now: clock.now)
            schedule.lookupFinished(room)
        }
        #expect(schedule.step(joined: ["b"], peerCount: { _ in 0 }, now: clock.now).isEmpty)
        #expect(schedule.rooms.keys.sorted() == ["b"])
        schedule.tableFilled(peerCount: { _ in 0 })
        #expect(schedule.step(joined: ["b"], peerCount: { _ in 0 }, now: clock.now) == [.findProviders("b")])
        // Joining "a" again starts from scratch.
        #expect(schedule.step(joined: ["a", "b"], peerCount: { _ in 0 }, now: clock.now) == [.provide("a"), .findProviders("a")])
    }
}
