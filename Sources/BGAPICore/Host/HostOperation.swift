/// Identifies one call submitted to ``BGAPIHost`` so its completion can find its caller.
public struct HostRequestID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// A number unique within one host.
    public var rawValue: UInt64
    /// Wraps a number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `#12`.
    public var description: String { "#\(rawValue)" }
}

/// A GATT client procedure: the attclient command starts it, the events that follow its response finish it.
public enum GATTProcedure: Hashable, Sendable {
    /// `read_by_handle`: one `attribute_value` for the handle, or a `procedure_completed` error.
    case read(AttributeHandle)
    /// `read_long`: value chunks for the handle until `procedure_completed`.
    case readLong(AttributeHandle)
    /// `read_by_type` (0x2803 finds characteristic declarations): every `attribute_value` of type
    /// read-by-type until `procedure_completed`.
    case readByType
    /// `attribute_write`, `prepare_write`, `execute_write`: one `procedure_completed`.
    case write
    /// `read_by_group_type`: `group_found` events until `procedure_completed`.
    case discoverServices
    /// `find_information`: `find_information_found` events until `procedure_completed`.
    case discoverDescriptors
}

/// What a caller asks the host to do; each completes with one ``HostResult`` or one ``BGAPIError``.
public enum HostOperation: Sendable {
    /// Any command; completes with its response, whatever its result code (raw access).
    case command(BGAPICommand)
    /// Any command whose response must carry a zero `result`; completes with the response.
    case checkedCommand(BGAPICommand)
    /// An attclient command and the procedure it starts on `connection` (one per connection at a time).
    case gatt(ConnectionHandle, GATTProcedure, BGAPICommand)
    /// `gap_connect_direct`; completes when `connection_status` reports the link up.
    case connect(GAPConnectDirectCommand)
    /// `sm_encrypt_start`; completes when the link is encrypted, fails on `sm_bonding_fail`.
    case encrypt(SMEncryptStartCommand)
    /// `connection_disconnect`; completes on `connection_disconnected`.
    case disconnect(ConnectionHandle)

    /// The command this operation sends.
    public var command: BGAPICommand {
        switch self {
        case let .command(c), let .checkedCommand(c), let .gatt(_, _, c): c
        case let .connect(c): .gapConnectDirect(c)
        case let .encrypt(c): .smEncryptStart(c)
        case let .disconnect(h): .connectionDisconnect(.init(connection: h))
        }
    }

    /// The connection whose GATT procedure slot this operation occupies.
    var gattConnection: ConnectionHandle? {
        if case let .gatt(h, _, _) = self { return h }
        return nil
    }
}

/// What a finished operation produced.
public enum HostResult: Hashable, Sendable {
    /// The command's response (`nil` for `system_reset`, which has none).
    case response(BGAPIResponse?)
    /// A read's value (whole, for a long read).
    case value([UInt8])
    /// `read_by_type` values, in arrival order.
    case values([AttClientAttributeValueEvent])
    /// A write or an execute finished.
    case written
    /// Services found.
    case services([AttClientGroupFoundEvent])
    /// Handles and types found by `find_information`.
    case descriptors([AttClientFindInformationFoundEvent])
    /// The link is up.
    case connected(ConnectionStatusEvent)
    /// The link is encrypted (and bonded when asked).
    case encrypted(ConnectionStatusEvent)
    /// The link is down.
    case disconnected(ConnectionDisconnectedEvent)
}

/// What the host asks its I/O shell to do.
public enum HostAction: Sendable {
    /// Write these bytes to the port.
    case write([UInt8])
    /// Finish a call.
    case complete(HostRequestID, Result<HostResult, BGAPIError>)
    /// An event no call consumed entirely: notifications, scan reports, link changes, pairing prompts.
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
