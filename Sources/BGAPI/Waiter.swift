import BGAPICore
import Dispatch
import Synchronization

/// A one-shot rendezvous between a blocked caller and the backend queue that finishes its call.
final class Waiter<Value: Sendable>: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let slot = Mutex<Result<Value, BGAPIError>?>(nil)

    /// Stores the first outcome and wakes the caller; later outcomes are ignored.
    func finish(_ result: Result<Value, BGAPIError>) {
        let first = slot.withLock { s -> Bool in
            guard s == nil else { return false }
            s = result
            return true
        }
        if first { semaphore.signal() }
    }

    /// Blocks until finished, or until `backstop` passes (a safety net: the host enforces real deadlines).
    func wait(backstop: Duration, operation: String) -> Result<Value, BGAPIError> {
        let nanos = backstop.components.seconds * 1_000_000_000 + backstop.components.attoseconds / 1_000_000_000
        if semaphore.wait(timeout: .now() + .nanoseconds(Int(clamping: nanos))) == .timedOut {
            finish(.failure(.timeout(operation: operation, after: backstop)))
        }
        return slot.withLock { $0! }
    }
}
