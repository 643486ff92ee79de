import BGAPICore
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A timer armed through a ``HostScheduler``; cancelling it means its action never runs.
public protocol ScheduledTimer: Sendable {
    /// Stops the timer; its action will not run (if it has not started already).
    func cancel()
}

/// The clock and timers a BGAPI backend runs on: the real monotonic clock in use, a manual one in tests
/// (`BGAPITestSupport.ManualScheduler`), so deadlines and retries can be tested without waiting.
public protocol HostScheduler: Sendable {
    /// Monotonic time since the scheduler began.
    var now: Duration { get }
    /// Runs `action` on `queue` once `now` reaches `deadline`.
    func schedule(at deadline: Duration, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void) -> any ScheduledTimer
    /// Blocks the calling thread for `duration` of this scheduler's time (never call it on a queue it fires on).
    func sleep(for duration: Duration)
}

/// The real clock: `DispatchTime` uptime and dispatch timers.
public struct DispatchScheduler: HostScheduler {
    private let origin = DispatchTime.now()

    /// A scheduler whose time starts now.
    public init() {}

    /// Time since init.
    public var now: Duration {
        .nanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - origin.uptimeNanoseconds))
    }

    /// A one-shot dispatch timer with 1 ms leeway.
    public func schedule(at deadline: Duration, on queue: DispatchQueue,
                         _ action: @escaping @Sendable () -> Void) -> any ScheduledTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let delay = max(.zero, deadline - now)
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: delay.wholeNanoseconds)), repeating: .never,
                       leeway: .milliseconds(1))
        timer.setEventHandler(handler: action)
        timer.resume()
        return DispatchTimer(source: timer)
    }

    /// `nanosleep`, resumed after signals.
    public func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        let nanos = duration.wholeNanoseconds
        var spec = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var left = timespec()
        while nanosleep(&spec, &left) != 0 && errno == EINTR { spec = left }
    }
}

/// A dispatch timer behind a lock, so the handle is Sendable without an unchecked promise.
private final class DispatchTimer: ScheduledTimer {
    private let source: Mutex<(any DispatchSourceTimer)?>
    init(source: sending any DispatchSourceTimer) { self.source = Mutex(source) }
    func cancel() { source.withLock { $0?.cancel(); $0 = nil } }
}
