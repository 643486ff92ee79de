import BGAPITransport
import Dispatch
import Foundation

/// A clock that moves only when a test says so: deadlines, retries and pauses of a backend happen at
/// ``advance(by:)``, in microseconds of real time, never by waiting.
public final class ManualScheduler: HostScheduler, Sendable {
    private struct Pending: Sendable {
        let id: UInt64
        let deadline: Duration
        let queue: DispatchQueue
        let action: @Sendable () -> Void
    }
    private struct Sleeper: Sendable {
        let until: Duration
        let wake: DispatchSemaphore
    }
    private struct State: Sendable {
        var now: Duration = .zero
        var nextID: UInt64 = 0
        var pending: [Pending] = []
        var sleepers: [Sleeper] = []
    }
    private let state = Locked(State())

    /// A clock at zero.
    public init() {}

    /// The manual time.
    public var now: Duration { state.withLock { $0.now } }

    /// How many timers are armed and not yet due.
    public var pendingTimerCount: Int { state.withLock { $0.pending.count } }

    /// Arms a timer that fires when the clock is advanced to `deadline`.
    public func schedule(at deadline: Duration, on queue: DispatchQueue,
                         _ action: @escaping @Sendable () -> Void) -> any ScheduledTimer {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            s.pending.append(Pending(id: s.nextID, deadline: deadline, queue: queue, action: action))
            return s.nextID
        }
        return Token(id: id, scheduler: self)
    }

    /// Blocks the caller until the clock is advanced past `duration` from now.
    public func sleep(for duration: Duration) {
        let wake = DispatchSemaphore(value: 0)
        let due = state.withLock { s -> Bool in
            guard duration > .zero else { return true }
            s.sleepers.append(Sleeper(until: s.now + duration, wake: wake))
            return false
        }
        if !due { wake.wait() }
    }

    /// Moves the clock forward, firing every timer that falls due (in deadline order, each on its queue,
    /// waiting for it to run) and waking every sleeper whose time has come.
    public func advance(by duration: Duration) {
        let target = state.withLock { $0.now + duration }
        while true {
            let next = state.withLock { s -> Pending? in
                guard let i = s.pending.indices.filter({ s.pending[$0].deadline <= target })
                    .min(by: { s.pending[$0].deadline < s.pending[$1].deadline }) else { return nil }
                let p = s.pending.remove(at: i)
                s.now = max(s.now, p.deadline)
                return p
            }
            guard let next else { break }
            next.queue.sync(execute: next.action)
        }
        let woken = state.withLock { s -> [DispatchSemaphore] in
            s.now = target
            let due = s.sleepers.filter { $0.until <= target }
            s.sleepers.removeAll { $0.until <= target }
            return due.map(\.wake)
        }
        for w in woken { w.signal() }
    }

    fileprivate func cancel(_ id: UInt64) {
        state.withLock { $0.pending.removeAll { $0.id == id } }
    }

    private struct Token: ScheduledTimer {
        let id: UInt64
        let scheduler: ManualScheduler
        func cancel() { scheduler.cancel(id) }
    }
}

/// A value behind a lock ThreadSanitizer can see. `Synchronization.Mutex` waits on futexes inside the
/// standard library, which is not instrumented, so TSan reported every access made under it as a race
/// (scripts/sanitizers.sh); `NSLock` is a pthread mutex, which TSan intercepts.
private final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is only touched while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
