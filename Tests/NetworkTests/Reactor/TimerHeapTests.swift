import Testing
@testable import Network

@Suite struct TimerHeapTests {
    @Test func popsInDeadlineThenInsertionOrder() {
        var heap = TimerHeap<String>()
        heap.insert("c", at: Instant(nanoseconds: 30))
        heap.insert("a1", at: Instant(nanoseconds: 10))
        heap.insert("b", at: Instant(nanoseconds: 20))
        heap.insert("a2", at: Instant(nanoseconds: 10))
        #expect(heap.nextDeadline == Instant(nanoseconds: 10))
        #expect(heap.popFirst(dueBy: Instant(nanoseconds: 9)) == nil)
        var out: [String] = []
        while let (_, name) = heap.popFirst(dueBy: Instant(nanoseconds: 100)) { out.append(name) }
        #expect(out == ["a1", "a2", "b", "c"])
        #expect(heap.isEmpty)
    }

    @Test func removeReturnsThePayloadOnce() {
        var heap = TimerHeap<Int>()
        let a = heap.insert(1, at: Instant(nanoseconds: 5))
        #expect(heap.contains(a))
        #expect(heap.remove(a) == 1)
        #expect(heap.remove(a) == nil)
        #expect(!heap.contains(a))
    }

    /// Random inserts and removals against a sorted reference, with many equal deadlines.
    @Test(arguments: [1, 2, 3, 42])
    func matchesASortedReference(seed: UInt64) {
        var rng = seed
        func next(_ bound: UInt64) -> UInt64 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return (rng >> 33) % bound
        }
        var heap = TimerHeap<UInt64>()
        var reference: [(deadline: UInt64, id: TimerID)] = []
        for _ in 0..<2000 {
            switch next(10) {
            case 0..<5:
                let deadline = next(50)
                let id = heap.insert(deadline, at: Instant(nanoseconds: deadline))
                reference.append((deadline, id))
            case 5..<8 where !reference.isEmpty:
                let victim = reference.remove(at: Int(next(UInt64(reference.count))))
                #expect(heap.remove(victim.id) == victim.deadline)
            default:
                reference.sort { ($0.deadline, $0.id.rawValue) < ($1.deadline, $1.id.rawValue) }
                let expected = reference.first
                let popped = heap.popFirst(dueBy: Instant(nanoseconds: .max))
                #expect(popped?.id == expected?.id)
                if expected != nil { reference.removeFirst() }
            }
            #expect(heap.count == reference.count)
        }
    }
}
