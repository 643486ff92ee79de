/// Everything a BGAPI host call can fail with: the dongle's result codes, ATT errors from the peer, and
/// what the host itself detects (deadlines, lost links, a vanished port). Raw codes are always kept.
public enum BGAPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dongle refused a command (0x01xx), e.g. `.bgapi(.wrongState)`.
    case bgapi(BGAPIErrorCode)
    /// The link layer or controller failed (0x02xx), e.g. `.bluetooth(.connectionLimitExceeded)`.
    case bluetooth(BGAPIErrorCode)
    /// Pairing failed (0x03xx), e.g. `.securityManager(.passkeyEntryFailed)`.
    case securityManager(BGAPIErrorCode)
    /// The peer's GATT server answered with an ATT error (0x04xx), e.g. `.att(.insufficientAuthentication)`.
    case att(BGAPIErrorCode)
    /// No answer arrived before the call's deadline.
    case timeout(operation: String, after: Duration)
    /// The link dropped while the call was running, or the device is no longer connected.
    case disconnected(reason: BGAPIErrorCode)
    /// The call needs a connection the device does not have (also the dongle's 0x0186 on any call).
    case notConnected
    /// The dongle reset underneath the host (`system_boot` while running, or a reset sent): every call
    /// and link ended; the backend is usable again at once.
    case dongleReset
    /// The serial port closed or failed (dongle unplugged, I/O error); pending calls end with this.
    case portClosed(String)
    /// The backend is not started (call `start()`), or was stopped.
    case notRunning
    /// No BLED112 was found, or the given port could not be opened.
    case noDongle(String)
    /// The caller cancelled the call (an async task was cancelled); the link stays usable.
    case cancelled
    /// An argument is out of range; nothing was sent.
    case invalidArgument(String)
    /// No characteristic, descriptor or service matches.
    case notFound(String)
    /// The dongle answered with something the host cannot use (a payload that does not decode).
    case unexpected(String)

    /// Classifies a non-zero result code by its space, so the case names what failed.
    public init(code: BGAPIErrorCode) {
        if code == .notConnected { self = .notConnected; return }
        switch code.space {
        case .bgapi: self = .bgapi(code)
        case .bluetooth: self = .bluetooth(code)
        case .securityManager: self = .securityManager(code)
        case .attribute: self = .att(code)
        default: self = .bgapi(code)
        }
    }

    /// The raw result code, when the error carries one.
    public var code: BGAPIErrorCode? {
        switch self {
        case let .bgapi(c), let .bluetooth(c), let .securityManager(c), let .att(c): c
        case let .disconnected(reason): reason
        case .notConnected: .notConnected
        default: nil
        }
    }

    /// One line a user can act on.
    public var description: String {
        switch self {
        case let .bgapi(c), let .bluetooth(c), let .securityManager(c), let .att(c): "\(c)"
        case let .timeout(operation, after): "\(operation): no answer within \(after.formattedSeconds)"
        case let .disconnected(reason): "disconnected (\(reason))"
        case .notConnected: "not connected: connect to the device first"
        case .dongleReset: "the dongle reset: every link was closed; connect again"
        case let .portClosed(why): "serial port closed: \(why); plug the dongle back in and start again"
        case .notRunning: "the backend is not running: call start() first"
        case let .noDongle(why): why
        case .cancelled: "cancelled"
        case let .invalidArgument(why): "invalid argument: \(why)"
        case let .notFound(what): "not found: \(what)"
        case let .unexpected(what): "unexpected answer: \(what)"
        }
    }
}

extension Duration {
    /// `2.5 s`, for messages.
    var formattedSeconds: String {
        let ms = wholeMilliseconds
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }
}
