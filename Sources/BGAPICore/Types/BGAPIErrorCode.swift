/// A BGAPI `errorcode` / `result` / `reason`: 0 is success; the high byte is the space
/// (0x01 BGAPI, 0x02 Bluetooth controller, 0x03 security manager, 0x04 ATT).
///
/// An open set: codes the table does not name keep their value and print as hex.
public struct BGAPIErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit code as on the wire.
    public var rawValue: UInt16
    /// Wraps a code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Which layer produced a code.
    public enum Space: UInt8, Sendable, Hashable {
        /// Not an error.
        case success = 0x00
        /// The BGAPI stack on the dongle (0x01xx).
        case bgapi = 0x01
        /// The Bluetooth controller, an HCI status (0x02xx).
        case bluetooth = 0x02
        /// Security Manager Protocol (0x03xx).
        case securityManager = 0x03
        /// Attribute Protocol, usually the remote device's answer (0x04xx).
        case attribute = 0x04
        /// A space the reference does not define.
        case unknown = 0xFF
    }

    /// The layer the code belongs to.
    public var space: Space {
        if rawValue == 0 { return .success }
        return Space(rawValue: UInt8(rawValue >> 8)).flatMap { $0 == .success ? nil : $0 } ?? .unknown
    }

    /// Whether the code means success.
    public var isSuccess: Bool { rawValue == 0 }

    /// The reference's snake_case name, `att_application_error_0xNN` for 0x0480...0x049F, or `nil`.
    public var name: String? {
        if let entry = Self.table[rawValue] { return entry.name }
        if (0x0480 ... 0x049F).contains(rawValue) { return "att_application_error_0x" + hexByte(UInt8(rawValue & 0xFF)) }
        return nil
    }

    /// One line a user can act on, or a generic line naming the space for codes outside the table.
    public var meaning: String {
        if let entry = Self.table[rawValue] { return entry.meaning }
        if (0x0480 ... 0x049F).contains(rawValue) {
            return "The device's application refused the request with its own error code; see the device's documentation."
        }
        switch space {
        case .bluetooth: return "Bluetooth controller (HCI) error not in the BGAPI table."
        case .securityManager: return "Security manager error not in the BGAPI table."
        case .attribute: return "ATT error not in the BGAPI table."
        default: return "Error code not in the BGAPI v1 reference."
        }
    }

    /// `wrong_state (0x0181)`, or just the hex value for codes outside the table.
    public var description: String {
        let hex = "0x" + hexByte(UInt8(rawValue >> 8)) + hexByte(UInt8(rawValue & 0xFF))
        if rawValue == 0 { return "success" }
        return name.map { "\($0) (\(hex))" } ?? hex
    }

    /// The ATT error byte of an `0x04xx` code (what the remote device sent), else `nil`.
    public var attError: UInt8? { space == .attribute ? UInt8(rawValue & 0xFF) : nil }

    /// The success code.
    public static let success = Self(rawValue: 0)

    // BGAPI (0x01xx)
    /// 0x0180: the command carried an invalid parameter.
    public static let invalidParameter = Self(rawValue: 0x0180)
    /// 0x0181: the device is in the wrong state for this command.
    public static let wrongState = Self(rawValue: 0x0181)
    /// 0x0182: the device ran out of memory or buffers.
    public static let outOfMemory = Self(rawValue: 0x0182)
    /// 0x0183: the feature is not implemented.
    public static let notImplemented = Self(rawValue: 0x0183)
    /// 0x0184: the command was not recognised.
    public static let invalidCommand = Self(rawValue: 0x0184)
    /// 0x0185: a command or procedure timed out.
    public static let timeout = Self(rawValue: 0x0185)
    /// 0x0186: the connection handle is not connected.
    public static let notConnected = Self(rawValue: 0x0186)
    /// 0x0187: the command would cause an underflow or overflow.
    public static let flow = Self(rawValue: 0x0187)
    /// 0x0188: a user attribute was accessed through an API that does not support it.
    public static let userAttribute = Self(rawValue: 0x0188)
    /// 0x0189: no valid licence key.
    public static let invalidLicenseKey = Self(rawValue: 0x0189)
    /// 0x018A: the command exceeds the maximum length.
    public static let commandTooLong = Self(rawValue: 0x018A)
    /// 0x018B: no space left for a new bond.
    public static let outOfBonds = Self(rawValue: 0x018B)
    /// 0x018C: the module reset after a BGScript stack overflow.
    public static let scriptOverflow = Self(rawValue: 0x018C)
    // Bluetooth (0x02xx)
    /// 0x0205: authentication failure.
    public static let authenticationFailure = Self(rawValue: 0x0205)
    /// 0x0206: PIN or key missing.
    public static let pinOrKeyMissing = Self(rawValue: 0x0206)
    /// 0x0207: controller memory capacity exceeded.
    public static let memoryCapacityExceeded = Self(rawValue: 0x0207)
    /// 0x0208: link supervision timeout.
    public static let connectionTimeout = Self(rawValue: 0x0208)
    /// 0x0209: connection limit exceeded.
    public static let connectionLimitExceeded = Self(rawValue: 0x0209)
    /// 0x020C: command disallowed by the controller.
    public static let commandDisallowed = Self(rawValue: 0x020C)
    /// 0x0212: invalid HCI command parameters.
    public static let invalidCommandParameters = Self(rawValue: 0x0212)
    /// 0x0213: the remote user terminated the connection.
    public static let remoteUserTerminatedConnection = Self(rawValue: 0x0213)
    /// 0x0216: connection terminated by the local host.
    public static let connectionTerminatedByLocalHost = Self(rawValue: 0x0216)
    /// 0x0222: link-layer response timeout.
    public static let llResponseTimeout = Self(rawValue: 0x0222)
    /// 0x0228: link-layer instant passed.
    public static let llInstantPassed = Self(rawValue: 0x0228)
    /// 0x023A: controller busy.
    public static let controllerBusy = Self(rawValue: 0x023A)
    /// 0x023B: unacceptable connection interval.
    public static let unacceptableConnectionInterval = Self(rawValue: 0x023B)
    /// 0x023C: directed advertising timeout.
    public static let directedAdvertisingTimeout = Self(rawValue: 0x023C)
    /// 0x023D: MIC failure.
    public static let micFailure = Self(rawValue: 0x023D)
    /// 0x023E: connection failed to be established.
    public static let connectionFailedToBeEstablished = Self(rawValue: 0x023E)
    // Security manager (0x03xx)
    /// 0x0301: passkey entry failed.
    public static let passkeyEntryFailed = Self(rawValue: 0x0301)
    /// 0x0302: OOB data not available.
    public static let oobNotAvailable = Self(rawValue: 0x0302)
    /// 0x0303: authentication requirements cannot be met.
    public static let authenticationRequirements = Self(rawValue: 0x0303)
    /// 0x0304: confirm value failed.
    public static let confirmValueFailed = Self(rawValue: 0x0304)
    /// 0x0305: pairing not supported.
    public static let pairingNotSupported = Self(rawValue: 0x0305)
    /// 0x0306: encryption key size insufficient.
    public static let encryptionKeySize = Self(rawValue: 0x0306)
    /// 0x0307: SMP command not supported.
    public static let smpCommandNotSupported = Self(rawValue: 0x0307)
    /// 0x0308: unspecified pairing failure.
    public static let unspecifiedReason = Self(rawValue: 0x0308)
    /// 0x0309: repeated pairing attempts.
    public static let repeatedAttempts = Self(rawValue: 0x0309)
    /// 0x030A: invalid SMP parameters.
    public static let smpInvalidParameters = Self(rawValue: 0x030A)
    // ATT (0x04xx)
    /// 0x0401: invalid handle.
    public static let invalidHandle = Self(rawValue: 0x0401)
    /// 0x0402: read not permitted.
    public static let readNotPermitted = Self(rawValue: 0x0402)
    /// 0x0403: write not permitted.
    public static let writeNotPermitted = Self(rawValue: 0x0403)
    /// 0x0404: invalid PDU.
    public static let invalidPDU = Self(rawValue: 0x0404)
    /// 0x0405: insufficient authentication.
    public static let insufficientAuthentication = Self(rawValue: 0x0405)
    /// 0x0406: request not supported.
    public static let requestNotSupported = Self(rawValue: 0x0406)
    /// 0x0407: invalid offset.
    public static let invalidOffset = Self(rawValue: 0x0407)
    /// 0x0408: insufficient authorization.
    public static let insufficientAuthorization = Self(rawValue: 0x0408)
    /// 0x0409: prepare queue full.
    public static let prepareQueueFull = Self(rawValue: 0x0409)
    /// 0x040A: attribute not found.
    public static let attributeNotFound = Self(rawValue: 0x040A)
    /// 0x040B: attribute not long.
    public static let attributeNotLong = Self(rawValue: 0x040B)
    /// 0x040C: insufficient encryption key size.
    public static let insufficientEncryptionKeySize = Self(rawValue: 0x040C)
    /// 0x040D: invalid attribute value length.
    public static let invalidAttributeValueLength = Self(rawValue: 0x040D)
    /// 0x040E: unlikely error.
    public static let unlikelyError = Self(rawValue: 0x040E)
    /// 0x040F: insufficient encryption.
    public static let insufficientEncryption = Self(rawValue: 0x040F)
    /// 0x0410: unsupported group type.
    public static let unsupportedGroupType = Self(rawValue: 0x0410)
    /// 0x0411: insufficient resources.
    public static let insufficientResources = Self(rawValue: 0x0411)
    /// 0x0480: first application-defined ATT error.
    public static let applicationError = Self(rawValue: 0x0480)

    /// Every named code of the reference (57), in numeric order.
    public static var allNamed: [Self] { table.keys.sorted().map(Self.init(rawValue:)) }

    private static let table: [UInt16: (name: String, meaning: String)] = [
        0x0180: ("invalid_param", "A command parameter is out of range or malformed; check the values you sent."),
        0x0181: ("wrong_state", "The dongle is busy or idle in a way this command does not allow; end the running procedure or check the connection first."),
        0x0182: ("out_of_memory", "The dongle's buffers are full; slow down (e.g. writes without response) and retry."),
        0x0183: ("not_implemented", "This firmware does not implement the feature; use another command or a newer firmware."),
        0x0184: ("invalid_command", "The dongle did not recognise the command; the firmware may be older than the API used."),
        0x0185: ("timeout", "The command or procedure timed out; check the device is in range and retry."),
        0x0186: ("not_connected", "The connection handle is not connected; reconnect before retrying."),
        0x0187: ("flow", "The command would overflow or underflow a buffer; send less data at once."),
        0x0188: ("user_attribute", "A user attribute was accessed through an API that cannot serve it; use the user read/write responses."),
        0x0189: ("invalid_license_key", "The module has no valid licence key; the radio will not work until it is reprogrammed."),
        0x018A: ("command_too_long", "The command exceeds the maximum packet length; shorten the data."),
        0x018B: ("out_of_bonds", "The bond store is full (8 bonds); delete a bond before bonding again."),
        0x018C: ("script_stack_overflow", "The module reset after a BGScript stack overflow; fix the script."),
        0x0205: ("authentication_failure", "Pairing produced wrong results (bad key or PIN); delete the bond on both sides and pair again."),
        0x0206: ("pin_or_key_missing", "The peer has no key for this link; delete the stale bond and pair again."),
        0x0207: ("memory_capacity_exceeded", "The controller ran out of memory; close other connections or slow down."),
        0x0208: ("connection_timeout", "The link supervision timeout expired: the device went out of range or stopped answering."),
        0x0209: ("connection_limit_exceeded", "All connection slots are in use; disconnect another device first."),
        0x020C: ("command_disallowed", "The controller refused the command in its current state; retry when the link is idle."),
        0x0212: ("invalid_command_parameters", "The controller rejected the parameters (e.g. connection interval); pick values in range."),
        0x0213: ("remote_user_terminated_connection", "The remote device closed the connection."),
        0x0216: ("connection_terminated_by_local_host", "This host closed the connection."),
        0x0222: ("ll_response_timeout", "A link-layer procedure timed out; the device may be out of range."),
        0x0228: ("ll_instant_passed", "A link-layer update arrived too late; reconnect."),
        0x023A: ("controller_busy", "The controller is busy; retry shortly."),
        0x023B: ("unacceptable_connection_interval", "The peer refused the connection interval; try a wider interval range."),
        0x023C: ("directed_advertising_timeout", "Directed advertising ended without a connection."),
        0x023D: ("mic_failure", "Encrypted data failed its integrity check; the link was dropped. Re-pair if it repeats."),
        0x023E: ("connection_failed_to_be_established", "The device never answered the connection request; check it is advertising and in range."),
        0x0301: ("passkey_entry_failed", "Passkey entry failed or was cancelled; enter the passkey again."),
        0x0302: ("oob_not_available", "Out-of-band data is not available on one side; set OOB data on both or disable OOB."),
        0x0303: ("authentication_requirements", "The IO capabilities cannot meet the security required (e.g. MITM with no display); change sm parameters."),
        0x0304: ("confirm_value_failed", "The pairing confirm value did not match (wrong passkey?); pair again."),
        0x0305: ("pairing_not_supported", "The device does not support pairing."),
        0x0306: ("encryption_key_size", "The key size is too small for the peer; raise the minimum key size."),
        0x0307: ("command_not_supported", "The peer does not support this SMP command."),
        0x0308: ("unspecified_reason", "Pairing failed for an unspecified reason; retry, then delete bonds on both sides."),
        0x0309: ("repeated_attempts", "Pairing was attempted too soon after a failure; wait and retry."),
        0x030A: ("invalid_parameters", "The pairing parameters were invalid."),
        0x0401: ("invalid_handle", "The attribute handle does not exist on the device; rediscover its services."),
        0x0402: ("read_not_permitted", "The attribute cannot be read."),
        0x0403: ("write_not_permitted", "The attribute cannot be written."),
        0x0404: ("invalid_pdu", "The device rejected the request as malformed."),
        0x0405: ("insufficient_authentication", "The attribute needs an authenticated (bonded) link; bond first, then retry."),
        0x0406: ("request_not_supported", "The device does not support this request."),
        0x0407: ("invalid_offset", "The offset is past the end of the value."),
        0x0408: ("insufficient_authorization", "The device requires authorization for this attribute."),
        0x0409: ("prepare_queue_full", "Too many prepared writes are queued; execute or cancel them first."),
        0x040A: ("attribute_not_found", "No attribute in the requested range (the normal end of a discovery)."),
        0x040B: ("attribute_not_long", "The attribute cannot be read with Read Blob; use a plain read."),
        0x040C: ("insufficient_encryption_key_size", "The encryption key is too short for this attribute; re-pair with a longer key."),
        0x040D: ("invalid_attribute_value_length", "The value has the wrong length for this attribute."),
        0x040E: ("unlikely_error", "The device could not complete the request."),
        0x040F: ("insufficient_encryption", "The attribute needs an encrypted link; bond or encrypt first."),
        0x0410: ("unsupported_group_type", "The device does not support this grouping type."),
        0x0411: ("insufficient_resources", "The device ran out of resources; retry later."),
        0x0480: ("att_application_error_0x80", "The device's application refused the request with its own error code; see the device's documentation."),
    ]
}
