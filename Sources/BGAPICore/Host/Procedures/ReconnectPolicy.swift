/// When and how often a lost link is brought back: opt-in, per device. Pure: the shell asks it whether
/// to try and how long to wait before each attempt.
public struct ReconnectPolicy: Hashable, Sendable {
    /// Attempts before giving up.
    public var maximumAttempts: Int
    /// The wait before the first attempt; each later one waits twice as long, up to ``maximumDelay``.
    public var initialDelay: Duration
    /// The longest wait between attempts.
    public var maximumDelay: Duration
    /// The deadline of each connect attempt.
    public var attemptTimeout: Duration

    /// A policy; the defaults try 5 times over about 15 s.
    public init(maximumAttempts: Int = 5, initialDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(8),
                attemptTimeout: Duration = .seconds(5)) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.attemptTimeout = attemptTimeout
    }

    /// The wait before attempt `n` (1-based), or `nil` once the attempts are used up.
    public func delay(beforeAttempt n: Int) -> Duration? {
        guard n >= 1, n <= maximumAttempts else { return nil }
        var d = initialDelay
        for _ in 1 ..< n where d < maximumDelay { d = d * 2 }
        return min(d, maximumDelay)
    }

    /// Whether a link lost this way is worth bringing back: not one the user closed, not a stopped or
    /// unplugged backend (nothing to reconnect through).
    public static func shouldReconnect(after loss: LinkLoss, closedLocally: Bool) -> Bool {
        guard !closedLocally else { return false }
        switch loss {
        case .disconnected, .dongleReset, .notConnected: return true
        case .portClosed, .stopped: return false
        }
    }
}
