import BGAPICore
import TUI

/// Everything that can happen to the explorer: keys, time, and what the dongle reports.
public enum Message: Sendable {
    /// A key press.
    case key(Key)
    /// Time passed (drives staleness, sparklines, the spinner).
    case tick(Timestamp)
    /// The terminal changed size.
    case resize(width: Int, height: Int)
    /// An advertising packet.
    case advertisement(AdvertisementReport, Timestamp)
    /// A connect began that no key asked for (a replayed recording's `gap_connect_direct`): the device's
    /// connection appears as the user's connect would make it.
    case connecting(BluetoothAddress, AddressType)
    /// The host asked to close a link (a replayed recording's `connection_disconnect`): when it goes, it goes
    /// as one the user closed.
    case disconnecting(BluetoothAddress)
    /// A link came up.
    case connected(BluetoothAddress, parameters: String, encrypted: Bool)
    /// Discovery finished.
    case discovered(BluetoothAddress, [GATTService])
    /// A value was read.
    case read(BluetoothAddress, AttributeHandle, [UInt8], Timestamp)
    /// A value fetched for display (user descriptions after discovery): stored, not logged.
    case fetched(BluetoothAddress, AttributeHandle, [UInt8])
    /// A notification or indication.
    case notified(BluetoothAddress, AttributeHandle, [UInt8], indication: Bool, Timestamp)
    /// A write finished.
    case wrote(BluetoothAddress, AttributeHandle, [UInt8], Timestamp)
    /// Notifications on `handle` are now on or off.
    case subscribed(BluetoothAddress, AttributeHandle, indication: Bool?)
    /// The link's RSSI.
    case rssi(BluetoothAddress, Int8)
    /// Bonding finished.
    case bonded(BluetoothAddress)
    /// The peer asks for a passkey.
    case passkeyRequested(BluetoothAddress)
    /// The dongle shows a passkey to type on the peer.
    case passkeyDisplayed(BluetoothAddress, UInt32)
    /// A link went down.
    case disconnected(BluetoothAddress, reason: String)
    /// An operation failed; `address` when it concerned one device.
    case failed(BluetoothAddress?, String)
    /// The dongle's port closed (unplugged, or a reset that drops it off USB): every link is gone, and blex
    /// reopens it when it comes back.
    case dongleGone(String)
    /// A reopen of the gone dongle worked: it answers again.
    case dongleBack
    /// The dongle restarted in place (`system_boot` on a UART): every link was closed, and it no longer scans.
    case dongleReset
    /// A note for the traffic pane (bytes the framer dropped, a malformed packet).
    case traffic(String)
    /// A packet on the wire, either way, and when (wall clock, ms precision).
    case packet(BGAPIMessage, Timestamp)
    /// Which bond slot a device's bond sits in (after bonding, or when a bonded link comes up).
    case bondSlot(BluetoothAddress, BondHandle)
    /// The bonds in the dongle's flash (slots).
    case bondList([BondHandle])
    /// A bond (or `.all`) was deleted.
    case bondDeleted(BondHandle)
    /// The log was written to a file.
    case exported(path: String, count: Int)
    /// A connected device was cloned into a scenario file (`K`).
    case cloned(path: String, summary: String)
}

/// What `update` asks the outside world to do; the effect runner carries it out off the UI thread.
public enum Effect: Hashable, Sendable {
    /// Start (or resume) scanning.
    case startScan
    /// Stop scanning.
    case stopScan
    /// Connect, then discover.
    case connect(BluetoothAddress, AddressType)
    /// Close a link.
    case disconnect(BluetoothAddress)
    /// Give up a connect that has not completed (the dongle's connect procedure is ended at once).
    case cancelConnect(BluetoothAddress)
    /// Read a value (long when it may exceed 22 bytes).
    case read(BluetoothAddress, AttributeHandle)
    /// Write a value.
    case write(BluetoothAddress, AttributeHandle, [UInt8], withResponse: Bool)
    /// Turn notifications (or indications) on or off.
    case subscribe(BluetoothAddress, AttributeHandle, indication: Bool, enable: Bool)
    /// Bond (passkey asked for by a prompt if the peer needs one).
    case bond(BluetoothAddress)
    /// Answer a passkey request.
    case enterPasskey(BluetoothAddress, UInt32)
    /// Read the link's RSSI.
    case readRSSI(BluetoothAddress)
    /// Ask the dongle for its bonds.
    case listBonds
    /// Delete a bond (`.all`: every one).
    case deleteBond(BondHandle)
    /// Read the link's RSSI for the sparkline; a failure is not worth reporting.
    case pollRSSI(BluetoothAddress)
    /// Write the log to `path` (JSONL, or CSV for a `.csv` name), never over an existing file.
    case export(path: String, contents: String, count: Int)
    /// Write the names file (`contents` replaces it; its folder is created when missing).
    case saveNames(path: String, contents: String)
    /// Turn the traffic feed on or off (on from start-up: the traffic pane records everything).
    case traceTraffic(Bool)
    /// Write an emulator scenario of a connected device (`K`), never over an existing file.
    case clone(CloneSnapshot)
    /// Inject a fault into the virtual dongle's world (`F`, SIMULATED only).
    case injectFault(FaultRequest)
    /// Open the gone dongle again (without a reset, which would drop a USB BLED112 off the bus once more).
    case reopenDongle
    /// Leave: disconnect everything and restore the terminal.
    case quit
}
