/// Identifies one call submitted to ``BGAPIHost`` so its completion can find its caller.
public struct HostRequestID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// A number unique within one host.
    public var rawValue: UInt64
    /// Wraps a number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `#12`.
    public var description: String { "#\(rawValue)" }
}

/// What a caller asks the host to do; each completes with one ``HostResult`` or one ``BGAPIError``.
public enum HostOperation: Hashable, Sendable {
    /// Any command; completes with its response, whatever its result code (raw access).
    case command(BGAPICommand)
    /// Any command whose response must carry a zero `result`; completes with the response.
    case checkedCommand(BGAPICommand)
    /// Sets the scan parameters and starts a discovery; queued while a connect is initiating.
    case startScan(GAPSetScanParametersCommand, mode: GAPDiscoverMode)
    /// Ends a discovery; never cancels a connect that is initiating.
    case stopScan
    /// `gap_connect_direct`; completes with the new link once `connection_status` reports it up.
    case connect(GAPConnectDirectCommand)
    /// Closes a link; completes on `connection_disconnected`.
    case disconnect(LinkID)
    /// Reads an attribute (one round trip, at most 22 bytes).
    case read(LinkID, AttributeHandle)
    /// Reads an attribute of any length (read blob until the value ends).
    case readLong(LinkID, AttributeHandle)
    /// Writes an attribute and waits for the peer's write response.
    case write(LinkID, AttributeHandle, [UInt8])
    /// Writes an attribute without a response (a write command); done once the dongle takes it.
    case writeWithoutResponse(LinkID, AttributeHandle, [UInt8])
    /// Writes up to 512 bytes with prepare/execute write; a failed chunk cancels the prepared queue.
    case writeLong(LinkID, AttributeHandle, [UInt8])
    /// Finds every service (primary and secondary), include, characteristic and descriptor.
    case discover(LinkID)
    /// Writes a Client Characteristic Configuration descriptor: notifications, indications or off.
    case configure(LinkID, descriptor: AttributeHandle, ClientConfiguration)
    /// Encrypts the link (bonding when `permanent`), answering a passkey request with `passkey`.
    case bond(LinkID, permanent: Bool, passkey: UInt32?)
    /// Reads the link's RSSI, retrying the BLED112's invalid readings.
    case rssi(LinkID)
    /// Lists the bonds stored in the dongle's flash.
    case bonds

    /// The link the operation runs on, if any.
    public var link: LinkID? {
        switch self {
        case let .disconnect(l), let .read(l, _), let .readLong(l, _), let .write(l, _, _), let .writeWithoutResponse(l, _, _),
             let .writeLong(l, _, _), let .discover(l), let .configure(l, _, _), let .bond(l, _, _), let .rssi(l): l
        default: nil
        }
    }

    /// A short name for messages: the command's reference name, or the procedure's.
    public var name: String {
        switch self {
        case let .command(c), let .checkedCommand(c): c.payload.map { type(of: $0).descriptor.name } ?? "command"
        case .startScan: "scan"
        case .stopScan: "gap_end_procedure"
        case .connect: "connect"
        case .disconnect: "disconnect"
        case .read: "read"
        case .readLong: "long read"
        case .write, .writeWithoutResponse: "write"
        case .writeLong: "long write"
        case .discover: "discovery"
        case .configure: "subscribe"
        case .bond: "bond"
        case .rssi: "rssi"
        case .bonds: "sm_get_bonds"
        }
    }
}

/// The value written to a Client Characteristic Configuration descriptor (Core Spec Vol 3 Part G 3.3.3.3).
public enum ClientConfiguration: Hashable, Sendable {
    /// `00 00`: nothing.
    case off
    /// `01 00`: notifications.
    case notifications
    /// `02 00`: indications.
    case indications

    /// The two bytes on the wire.
    public var bytes: [UInt8] {
        switch self {
        case .off: [0x00, 0x00]
        case .notifications: [0x01, 0x00]
        case .indications: [0x02, 0x00]
        }
    }
}

/// What a finished operation produced.
public enum HostResult: Hashable, Sendable {
    /// The command's response (`nil` for commands that have none, e.g. `system_reset`).
    case response(BGAPIResponse?)
    /// A read's value (whole, for a long read).
    case value([UInt8])
    /// A write, an execute or a CCCD write finished; a scan started or stopped.
    case done
    /// Discovery's result: every service with its characteristics and descriptors.
    case services([GATTService])
    /// The link is up.
    case connected(LinkInfo)
    /// The link is encrypted (and bonded when asked).
    case encrypted(ConnectionStatusEvent)
    /// The link is down.
    case disconnected(LinkLoss)
    /// The link's RSSI in dBm, a valid reading.
    case rssi(Int8)
    /// The bonds stored in the dongle.
    case bonds([BondHandle])
}

/// What the host asks its I/O shell to do, in order.
public enum HostAction: Sendable {
    /// Write these bytes to the port.
    case write([UInt8])
    /// Finish a call.
    case complete(HostRequestID, Result<HostResult, BGAPIError>)
    /// A new link is registered (the shell binds it to its device object now).
    case linkUp(LinkInfo)
    /// A link's parameters, encryption or bond changed.
    case linkUpdated(LinkInfo)
    /// A link is gone; every call that was running on it has failed or will fail with the loss.
    case linkDown(LinkInfo, LinkLoss)
    /// A notification (or indication) from a connected peer.
    case notification(LinkInfo, AttributeHandle, [UInt8], isIndication: Bool)
    /// The dongle reset underneath the host: every call and link has ended, scanning stopped.
    case dongleReset
    /// An event no call consumed: scan reports, passkey prompts, bond status, stray or late values, …
    case event(BGAPIEvent)
    /// A response that matched no command in flight (a late answer to a call that already timed out).
    case unmatchedResponse(BGAPIResponse)
}

extension BluetoothUUID {
    /// Whether two UUIDs name the same thing, comparing their 128-bit forms (`2A37` matches its long form).
    public func matches(_ other: BluetoothUUID) -> Bool {
        guard let a = uuid128BigEndian, let b = other.uuid128BigEndian else { return self == other }
        return a == b
    }
}
