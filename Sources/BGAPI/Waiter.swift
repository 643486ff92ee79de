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

    /// Blocks until finished, or until `backstop` of wall time passes (a safety net: the host enforces the
    /// real deadlines on the backend's scheduler).
    func wait(backstop: Duration, operation: String) -> Result<Value, BGAPIError> {
        if semaphore.wait(timeout: .now() + .nanoseconds(Int(clamping: backstop.wholeNanoseconds))) == .timedOut {
            finish(.failure(.timeout(operation: operation, after: backstop)))
        }
        return slot.withLock { $0! }
    }
}

/// A bounded queue from the backend queue to one waiting thread, which runs the user's code (scan
/// callbacks, `expect` predicates) itself — so that code never runs on the backend's queue, and a call
/// made from inside a callback still sees its own results.
final class Mailbox<Item: Sendable>: Sendable {
    private struct State: Sendable {
        var items: [Item] = []
        var head = 0
        var closed: BGAPIError?
        var dropped = 0
    }
    private let state = Mutex(State())
    // Every access also goes through this queue: ThreadSanitizer cannot see Mutex's futex on Linux, and a
    // mailbox is the one place the backend queue and a caller's thread share growing storage.
    private let serial = DispatchQueue(label: "blex.bgapi.mailbox")
    private let signal = DispatchSemaphore(value: 0)
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    /// Adds an item; past the capacity the oldest is dropped (and counted).
    func put(_ item: Item) {
        serial.sync {
            state.withLock { s in
                s.items.append(item)
                if s.items.count - s.head > capacity { s.head += 1; s.dropped += 1 }
                if s.head > 1024 { s.items.removeFirst(s.head); s.head = 0 }
            }
        }
        signal.signal()
    }

    /// Ends the mailbox: the waiter gets `error` once the items are taken.
    func close(_ error: BGAPIError) {
        serial.sync { state.withLock { $0.closed = $0.closed ?? error } }
        signal.signal()
    }

    /// The next item, waiting up to `limit` of wall time; `.success(nil)` when the time is up.
    func take(within limit: Duration) -> Result<Item?, BGAPIError> {
        let end = DispatchTime.now() + .nanoseconds(Int(clamping: max(.zero, limit).wholeNanoseconds))
        while true {
            let next = serial.sync {
                state.withLock { s -> Result<Item?, BGAPIError>? in
                    if s.head < s.items.count {
                        let item = s.items[s.head]
                        s.head += 1
                        return .success(item)
                    }
                    if let closed = s.closed { return .failure(closed) }
                    return nil
                }
            }
            if let next { return next }
            if signal.wait(timeout: end) == .timedOut { return .success(nil) }
        }
    }

    /// How many items were dropped because the reader fell behind.
    var droppedCount: Int { serial.sync { state.withLock { $0.dropped } } }
}
