/// Identifies one link for its whole life. The dongle reuses connection handles; a `LinkID` is never reused,
/// so a call made for an old link can never reach the device that now holds its handle.
public struct LinkID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// A number unique within one host.
    public var rawValue: UInt64
    /// Wraps a number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// Orders links by when they came up.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// `link 3`.
    public var description: String { "link \(rawValue)" }
}

/// One link as the host knows it: who is at the other end and the parameters the dongle last reported.
public struct LinkInfo: Hashable, Sendable {
    /// Never reused.
    public var id: LinkID
    /// The dongle's handle for the link (reused after the link closes).
    public var connection: ConnectionHandle
    /// The peer.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// The last `connection_status` for the link: interval, timeout, latency, encryption, bond.
    public var status: ConnectionStatusEvent

    /// A link as a `connection_status` event reports it.
    public init(id: LinkID, status: ConnectionStatusEvent) {
        self.id = id
        connection = status.connection
        address = status.address
        addressType = status.addressType
        self.status = status
    }
}

/// Why a link is gone: what the dongle said, or what happened to the dongle itself.
public enum LinkLoss: Hashable, Sendable, CustomStringConvertible {
    /// `connection_disconnected` with this reason (0x0208 supervision timeout, 0x0213 remote user,
    /// 0x023E failed to be established, 0x0216 or 0 local host, …).
    case disconnected(BGAPIErrorCode)
    /// The dongle reset underneath the host (`system_boot` while running, or a reset the host sent).
    case dongleReset
    /// The serial port closed (dongle unplugged, I/O error).
    case portClosed(String)
    /// The backend was stopped.
    case stopped
    /// The dongle says the handle is not connected: a `connection_status` without the connected flag, a
    /// 0x0186 answer, or a new link reported on the same handle.
    case notConnected

    /// The dongle's reason code, when it gave one.
    public var code: BGAPIErrorCode? {
        if case let .disconnected(c) = self { return c }
        return nil
    }

    /// What a call that was running on the link fails with.
    public var error: BGAPIError {
        switch self {
        case let .disconnected(c): .disconnected(reason: c)
        case .dongleReset: .dongleReset
        case let .portClosed(why): .portClosed(why)
        case .stopped: .notRunning
        case .notConnected: .notConnected
        }
    }

    /// What it means and what to do, in a sentence (the code's meaning for a disconnect).
    public var meaning: String {
        switch self {
        case let .disconnected(c): c.meaning
        case .dongleReset: "The dongle reset underneath the host; every link closed. Connect again."
        case .portClosed: "The dongle's port closed (unplugged?). Plug it back in and start again."
        case .stopped: "The backend was stopped."
        case .notConnected: "The dongle no longer has this link. Connect again."
        }
    }

    /// One line for a user: `remote user terminated connection (0x0213)`, `dongle reset`.
    public var description: String {
        switch self {
        case let .disconnected(c): "\(c)"
        case .dongleReset: "dongle reset"
        case let .portClosed(why): "port closed (\(why))"
        case .stopped: "backend stopped"
        case .notConnected: "the dongle reports the link as not connected"
        }
    }
}

/// The links the dongle has reported up, by handle; the host's single source of truth for "connected".
struct LinkTable: Sendable {
    private(set) var byHandle: [ConnectionHandle: LinkInfo] = [:]
    private var lastID: UInt64 = 0

    /// The link with this id, if it is still up.
    func link(_ id: LinkID) -> LinkInfo? { byHandle.values.first { $0.id == id } }
    /// The link on this handle, if any.
    func link(at handle: ConnectionHandle) -> LinkInfo? { byHandle[handle] }
    /// Every link up, oldest first.
    var all: [LinkInfo] { byHandle.values.sorted { $0.id < $1.id } }

    /// Registers a new link from its first `connection_status`.
    mutating func open(_ status: ConnectionStatusEvent) -> LinkInfo {
        lastID += 1
        let info = LinkInfo(id: LinkID(rawValue: lastID), status: status)
        byHandle[status.connection] = info
        return info
    }

    /// Records a later `connection_status` (parameters, encryption, bond) for the link on its handle.
    mutating func update(_ status: ConnectionStatusEvent) -> LinkInfo? {
        guard var info = byHandle[status.connection] else { return nil }
        info.status = status
        byHandle[status.connection] = info
        return info
    }

    /// Forgets the link on `handle`.
    mutating func close(_ handle: ConnectionHandle) -> LinkInfo? { byHandle.removeValue(forKey: handle) }

    /// Forgets every link (the dongle reset or the port closed).
    mutating func closeAll() -> [LinkInfo] {
        let all = self.all
        byHandle = [:]
        return all
    }
}
