import Foundation

/// Keeps what callbacks receive, from any queue, in order; a test waits on it without polling.
public final class Recorder<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `items` is only touched while `condition` is locked.
    private let condition = NSCondition()
    private var items: [Value] = []

    /// An empty recorder.
    public init() {}

    /// Keeps `value` and wakes anyone waiting.
    public func add(_ value: Value) {
        condition.lock(); items.append(value); condition.broadcast(); condition.unlock()
    }

    /// Everything kept so far, oldest first.
    public var all: [Value] { condition.lock(); defer { condition.unlock() }; return items }

    /// How many values were kept.
    public var count: Int { all.count }

    /// Blocks until `count` values have arrived or `limit` seconds pass; says whether they arrived.
    public func wait(for count: Int, within limit: TimeInterval) -> Bool {
        let end = Date(timeIntervalSinceNow: limit)
        condition.lock(); defer { condition.unlock() }
        while items.count < count {
            if !condition.wait(until: end) { return items.count >= count }
        }
        return true
    }
}
