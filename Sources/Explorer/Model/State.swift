import BGAPICore
import TUI

/// A point in time as the explorer sees it: seconds since the Unix epoch (wall clock, for log stamps).
public typealias Timestamp = Double

/// RSSI samples of the last `span` seconds (a minute by default) in one-second buckets, for the sparkline.
///
/// Compact, because a crowded scan keeps one per device: the buckets are one ring of `span` 32-bit words
/// (a count and a sum each, allocated at the first sample), and moving the window rotates it in place. A
/// bucket holds at most `bucketLimit` samples; later ones in the same second are left out of its average.
public struct RSSIHistory: Hashable, Sendable {
    /// Seconds kept by default.
    public static let defaultSpan = 60
    /// The most samples one second's bucket averages.
    public static let bucketLimit = 1023
    /// Seconds kept.
    public let span: Int
    // Each word: count in the top 10 bits, the sum of (rssi + 128) in the low 22 (1023 × 255 fits).
    private var buckets: [UInt32] = []
    private var newest = 0
    private var newestSecond: Int64?

    /// An empty history of `span` seconds (at least 1).
    public init(span: Int = RSSIHistory.defaultSpan) { self.span = Swift.max(1, span) }

    /// Adds a sample taken at `time`.
    public mutating func add(_ rssi: Int8, at time: Timestamp) {
        guard time.isFinite, abs(time) < 9e15 else { return }
        let second = Int64(time.rounded(.down))
        advance(to: second)
        if buckets.isEmpty { buckets = Array(repeating: 0, count: span) }
        let word = buckets[newest]
        guard word >> 22 < UInt32(Self.bucketLimit) else { return }
        buckets[newest] = word &+ (1 << 22) &+ UInt32(Int(rssi) + 128)
    }

    /// Moves the window so its newest bucket is `second` (older buckets scroll out).
    public mutating func advance(to second: Int64) {
        guard let last = newestSecond else { newestSecond = second; return }
        guard second > last else { return }
        newestSecond = second
        guard !buckets.isEmpty else { return }
        let shift = Int(Swift.min(Int64(span), second &- last))
        for _ in 0 ..< shift {
            newest = (newest + 1) % span
            buckets[newest] = 0
        }
    }

    /// Per-second averages, oldest first; nil where nothing was heard.
    public var samples: [Double?] {
        guard !buckets.isEmpty else { return Array(repeating: nil, count: span) }
        return (1 ... span).map { i in
            let word = buckets[(newest + i) % span]
            let count = Int(word >> 22)
            guard count > 0 else { return nil }
            return Double(Int(word & 0x3F_FFFF) - 128 * count) / Double(count)
        }
    }
}

/// One device heard while scanning.
public struct DeviceEntry: Hashable, Sendable {
    /// Gaps kept by default in `intervals` (the per-device packet history).
    public static let defaultIntervalCapacity = 16
    /// Its address.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// Name from its advertising data (raw; views make it inert).
    public var name: String?
    /// RSSI of the last packet, dBm.
    public var rssi: Int8
    /// The last `history.span` seconds of RSSI (a minute by default).
    public var history: RSSIHistory
    /// When first and last heard.
    public var firstSeen: Timestamp, lastSeen: Timestamp
    /// Time between the last advertising packets (seconds), newest last, at most `intervalCapacity`.
    public var intervals: [Double] = []
    /// The most gaps `intervals` keeps (the oldest goes first).
    public var intervalCapacity: Int
    private var lastAdvertisement: Timestamp?
    /// Whether it accepts connections.
    public var connectable = false
    /// Whether the dongle holds a bond with it.
    public var bonded = false
    /// The bond slot it advertised with (`.none` when not bonded).
    public var bond: BondHandle = .none
    /// Packets heard.
    public var packets = 0
    /// The latest data per packet type (advertisement, scan response): at most one per type, five types.
    public var advertisements: [ScanResponsePacketType: AdvertisingData] = [:]

    /// A device from its first report, keeping `historySeconds` of RSSI and `intervalCapacity` gaps.
    public init(_ report: AdvertisementReport, at time: Timestamp, historySeconds: Int = RSSIHistory.defaultSpan,
                intervalCapacity: Int = DeviceEntry.defaultIntervalCapacity) {
        address = report.address
        addressType = report.addressType
        rssi = report.rssi
        firstSeen = time
        lastSeen = time
        history = RSSIHistory(span: historySeconds)
        self.intervalCapacity = max(1, intervalCapacity)
        add(report, at: time)
    }

    /// Folds in a report.
    public mutating func add(_ report: AdvertisementReport, at time: Timestamp) {
        rssi = report.rssi
        lastSeen = time
        packets += 1
        history.add(report.rssi, at: time)
        bonded = report.bond.isBonded
        bond = report.bond
        if report.isConnectable { connectable = true }
        // Unchanged data (the usual case) is not stored again: the copy kept since the first packet stays and
        // the new one dies at once, so a flood does not keep swapping long-lived buffers (heap fragmentation).
        if advertisements[report.packetType] != report.data { advertisements[report.packetType] = report.data }
        if let n = report.data.localName, n != name, name == nil || report.data.isNameComplete { name = n }
        if report.packetType != .scanResponse {
            if let last = lastAdvertisement, time > last {
                if intervals.count >= intervalCapacity { intervals.removeFirst(intervals.count - intervalCapacity + 1) }
                intervals.append(time - last)
            }
            lastAdvertisement = time
        }
    }

    /// The advertising interval as seen: the shortest recent gap (missed packets only lengthen gaps).
    public var observedInterval: Double? { intervals.min() }

    /// The company id of its first manufacturer data.
    public var companyID: UInt16? {
        for packetType in [ScanResponsePacketType.connectableAdvertisement, .nonConnectableAdvertisement,
                           .discoverableAdvertisement, .scanResponse] {
            if let m = advertisements[packetType]?.manufacturerData.first { return m.companyID }
        }
        return advertisements.values.lazy.compactMap { $0.manufacturerData.first?.companyID }.first
    }
}

/// How the scan list is ordered.
public enum ScanSort: String, CaseIterable, Hashable, Sendable {
    /// Strongest first.
    case rssi = "RSSI"
    /// Alphabetical, unnamed last.
    case name = "name"
    /// Most recently heard first.
    case lastSeen = "last seen"
    /// In the order first heard (never moves).
    case firstSeen = "first seen"
}

/// Where a connection stands.
public enum LinkState: Hashable, Sendable {
    /// `gap_connect_direct` sent.
    case connecting
    /// Discovering services.
    case discovering
    /// Ready for reads and writes.
    case ready
    /// Gone, with the reason.
    case disconnected(String)
}

/// A row of the GATT tree: what a selection points at.
public enum TreeNode: Hashable, Sendable {
    /// A service, by its start handle.
    case service(AttributeHandle)
    /// A characteristic, by its value handle.
    case characteristic(AttributeHandle)
    /// A descriptor, by its handle.
    case descriptor(AttributeHandle)
}

/// A connected (or connecting) device and what the explorer knows of its GATT server.
public struct ConnectionEntry: Hashable, Sendable {
    /// The peer.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// The link's state.
    public var state: LinkState = .connecting
    /// Discovered services.
    public var services: [GATTService] = []
    /// Last value read or notified, by handle.
    public var values: [AttributeHandle: [UInt8]] = [:]
    /// Subscribed value handles (true: indications).
    public var subscriptions: [AttributeHandle: Bool] = [:]
    /// Expanded services (by start handle) and characteristics (by value handle).
    public var expanded: Set<TreeNode> = []
    /// The selected tree row.
    public var selection: TreeNode?
    /// Last RSSI read over the link.
    public var rssi: Int8?
    /// Link parameters, as text.
    public var parameters: String?
    /// Whether the link is encrypted / bonded.
    public var encrypted = false
    /// What is running now ("reading 0x0012…"), for the spinner.
    public var busy: String?
    /// Subscriptions to renew once a reconnect has discovered the services again.
    public var resubscribe: [AttributeHandle: Bool] = [:]
    /// Writes on their way, by handle: whether each asked for a response (the log says `W` or `Wn`).
    public var pendingWrites: [AttributeHandle: Bool] = [:]

    /// A connection being made.
    public init(address: BluetoothAddress, addressType: AddressType) {
        self.address = address
        self.addressType = addressType
    }
}

/// One line of the notification log.
public struct LogEntry: Hashable, Sendable {
    /// How the value came, or what happened to the link.
    public enum Kind: String, Hashable, Sendable {
        case notification, indication, read, write
        /// A write command (no response asked for): `Wn` in the log.
        case writeWithoutResponse = "write-without-response"
        /// Link events: connected, disconnected (the reason in `note`), subscriptions, bonding, failures.
        case connected, disconnected, subscribed, unsubscribed, bonded, failed
    }
    /// When (wall clock).
    public var time: Timestamp
    /// The peer.
    public var address: BluetoothAddress
    /// The value handle.
    public var handle: AttributeHandle
    /// Its characteristic UUID, when known.
    public var uuid: BluetoothUUID?
    /// How it came.
    public var kind: Kind
    /// The bytes.
    public var value: [UInt8]
    /// What happened, in words, for link events and failures (`supervision timeout`).
    public var note: String
    /// The traffic packets (sequence numbers) of the command/response/event chain that produced it.
    public var chain: [Int]
    /// What the explorer called the characteristic then (user name, or SIG name and user description).
    public var name: String?
    /// The value in words then, in its Presentation Format (0x2904) when the characteristic had one.
    public var decoded: String?

    /// An entry.
    public init(time: Timestamp, address: BluetoothAddress, handle: AttributeHandle, uuid: BluetoothUUID?,
                kind: Kind, value: [UInt8], note: String = "", chain: [Int] = [], name: String? = nil,
                decoded: String? = nil) {
        self.time = time
        self.address = address
        self.handle = handle
        self.uuid = uuid
        self.kind = kind
        self.value = value
        self.note = note
        self.chain = chain
        self.name = name
        self.decoded = decoded
    }

    /// Whether it records a link event rather than a value.
    public var isLinkEvent: Bool {
        switch kind {
        case .notification, .indication, .read, .write, .writeWithoutResponse: false
        case .connected, .disconnected, .subscribed, .unsubscribed, .bonded, .failed: true
        }
    }
}

/// The panes that take focus.
public enum Pane: Hashable, Sendable, CaseIterable {
    /// The device list.
    case scan
    /// The advertisement detail or GATT tree.
    case details
    /// The notification log (or traffic).
    case log
}

/// The value editor's state.
public struct EditorState: Hashable, Sendable {
    /// Whose value.
    public var address: BluetoothAddress
    /// Which value handle.
    public var handle: AttributeHandle
    /// The characteristic, for its name and properties.
    public var uuid: BluetoothUUID
    /// What the server allows.
    public var properties: CharacteristicProperties
    /// The value being edited (the last one that parsed).
    public var bytes: [UInt8]
    /// The view being typed in.
    public var format: ValueFormat = .hex
    /// The text being typed.
    public var text: String
    /// Caret position in `text`, in characters.
    public var cursor: Int
    /// Why the text does not parse, if it does not.
    public var error: String?
    /// Write with response (default when the characteristic allows it).
    public var withResponse: Bool
    /// What was typed in each view, kept while the value it means stays the same.
    public var typed: [ValueFormat: String] = [:]
    /// Where ↑/↓ are in the write history (0: the newest), nil while typing.
    public var historyIndex: Int?
    /// The text being typed before ↑ went into the history.
    public var draft: String?

    /// An editor on `bytes`.
    public init(address: BluetoothAddress, handle: AttributeHandle, uuid: BluetoothUUID,
                properties: CharacteristicProperties, bytes: [UInt8]) {
        self.address = address
        self.handle = handle
        self.uuid = uuid
        self.properties = properties
        self.bytes = bytes
        text = ValueFormat.hex.render(bytes) ?? ""
        cursor = text.count
        withResponse = properties.contains(.write) || !properties.contains(.writeWithoutResponse)
    }
}

/// A modal prompt.
public enum Prompt: Hashable, Sendable {
    /// Typing a scan filter.
    case filter
    /// The passkey the peer asks for.
    case passkey(BluetoothAddress)
    /// A file name for exporting the log.
    case export
    /// A file name for exporting the traffic shown (JSON Lines).
    case exportTraffic
    /// Text the traffic must contain (searched as you type).
    case search
    /// Quit with connections open?
    case confirmQuit
}

/// Everything the explorer shows; `update` changes it, the views draw it.
public struct ExplorerState: Hashable, Sendable {
    /// Devices heard, by address: at most `deviceCapacity` (Model/DeviceTable.swift).
    public var devices: [BluetoothAddress: DeviceEntry] = [:]
    /// The most devices kept; a new one beyond it evicts the stalest that is not connected, selected or
    /// bonded (`--device-capacity`).
    public var deviceCapacity = ExplorerState.defaultDeviceCapacity
    /// The device table's default capacity.
    public static let defaultDeviceCapacity = 10_000
    /// Devices evicted from the full table since start-up (the scan pane's title counts them).
    public var evictedDevices = 0
    /// Seconds of RSSI each device keeps for its sparkline (`--rssi-history-seconds`).
    public var rssiHistorySeconds = RSSIHistory.defaultSpan
    /// Gaps between advertising packets each device keeps, for its interval (`--packet-history-capacity`).
    public var packetHistoryCapacity = DeviceEntry.defaultIntervalCapacity
    /// The stalest devices found by the last search, used up by the evictions that follow it.
    var evictionCandidates: [EvictionCandidate] = []
    /// Which devices match the filter text, worked out when they advertise (ScanList.swift).
    public var filterMemo = FilterMemo()
    /// The selected device in the scan list.
    public var selectedDevice: BluetoothAddress?
    /// Scanning wanted (and on, unless paused).
    public var scanning = true
    /// List updates frozen (the radio keeps listening).
    public var paused = false
    /// Sort order.
    public var sort: ScanSort = .rssi
    /// Filter text (name, address or manufacturer contains it, case-insensitive).
    public var filter = ""
    /// Hide devices not heard for `staleAfter` seconds.
    public var hideStale = false
    /// Seconds after which a device counts as stale.
    public var staleAfter: Double = 15
    /// Hide devices that give no name.
    public var hideUnnamed = false
    /// Hide devices heard weaker than this (dBm); nil: no floor.
    public var rssiFloor: Int8?
    /// The list order last applied (addresses); devices heard since follow at the bottom.
    public var order: [BluetoothAddress] = []
    /// Each address's place in `order`, for finding the devices heard since it was applied.
    var rank: [BluetoothAddress: Int] = [:]
    /// Devices first heard since the order was applied (not in it), in arrival order.
    var unsorted: [BluetoothAddress] = []
    /// When the order was last applied.
    public var lastSort: Timestamp = 0
    /// Seconds between automatic re-sorts, so rows do not move under the cursor.
    public var resortInterval: Double = 3
    /// The user moved the selection: it follows that device; until then it stays on the first row.
    public var selectionMoved = false
    /// Show raw advertisement bytes in the detail pane.
    public var showRawAdvertisement = false
    /// Lines the advertisement detail is scrolled by (j/k with the focus on it).
    public var advertisementScroll = 0
    /// Connections, by address.
    public var connections: [BluetoothAddress: ConnectionEntry] = [:]
    /// The log, oldest first: a ring, so a full log drops its oldest entry without moving the others.
    public var log = Ring<LogEntry>(capacity: 10_000)
    /// Log capacity (oldest entries drop beyond it; exporting saves what is kept).
    public var logCapacity = 10_000
    /// The log's scroll position from the bottom (0 follows new entries).
    public var logScroll = 0
    /// Log display frozen (entries still recorded).
    public var logPaused = false
    /// BGAPI traffic, recorded from start-up (bounded), with its filter, cursor and pause point.
    public var traffic = TrafficState()
    /// Whether the traffic pane replaces the log.
    public var showTraffic = false
    /// Focused pane.
    public var focus: Pane = .scan
    /// Values written (confirmed), newest last, for the editor's ↑/↓.
    public var writeHistory: [WrittenValue] = []
    /// The most values the write history keeps.
    public var writeHistoryCapacity = 100
    /// What is typed into the prompt, with its caret.
    public var promptField = TextField()
    /// Text typed into the prompt (setting it puts the caret at its end).
    public var promptText: String {
        get { promptField.text }
        set { promptField = TextField(newValue) }
    }
    /// The overlay that takes the keys (help, a detail view, the chart, a prompt), or browsing.
    public var mode: Mode = .browse
    /// The focused pane fills the screen.
    public var zoomed = false
    /// The port, for the status bar (`/dev/ttyACM0`, `virtual BLED112 (demo)`).
    public var portName = ""
    /// Running on the built-in virtual dongle.
    public var simulated = false
    /// How fast the virtual world runs (1 real time, 0 paused, 10 ten times faster), for the status bar.
    public var worldRate = 1.0
    /// The fault menu (`F`) is open: the next key picks a fault (SIMULATED only).
    public var faultMenu = false
    /// Replaying a recording: what the status bar says of it (`12.345 / 60.000 s ×1 ▶`); nil when live.
    public var replay: String?
    /// The last error, shown until the next one or a key press.
    public var lastError: String?
    /// Why the dongle went away (unplugged, reset off the bus), while blex waits for it to come back; nil
    /// while it is there. The status line says so until the reopen works.
    public var dongleGone: String?
    /// When the last reopen of a gone dongle was asked for (one a `reopenInterval`).
    public var lastReopen: Timestamp = 0
    /// Seconds between attempts to reopen a gone dongle.
    public var reopenInterval: Double = 1
    /// A short notice ("exported 120 entries to log.jsonl").
    public var notice: String?
    /// When the notice was set (it goes six seconds later).
    public var noticeTime: Timestamp = 0
    /// Now (wall clock), from the last tick or event.
    public var now: Timestamp = 0
    /// Seconds east of UTC, for log timestamps.
    public var utcOffset: Int = 0
    /// Terminal size.
    public var width = 80, height = 24
    /// Use ASCII instead of Unicode line and block characters.
    public var ascii = false
    /// When the connected devices' RSSI was last polled.
    public var lastRSSIPoll: Timestamp = 0
    /// Spinner phase, advanced by ticks.
    public var spinner = 0
    /// Set by `q` when no connection is open (or confirmed): the app exits.
    public var quitting = false
    /// The series behind the charts and the chart view (Model/Charts.swift).
    public var charts = ChartsState()
    /// The user's names for UUIDs and where they are saved (Model/UserNames.swift).
    public var names = UserNames()
    /// The names file (`--names`, else under $XDG_CONFIG_HOME/blex/); nil: naming cannot be saved.
    public var namesPath: String?

    /// An explorer with nothing heard yet.
    public init() {}

    /// The connection of the selected device, if it has one.
    public var selectedConnection: ConnectionEntry? { selectedDevice.flatMap { connections[$0] } }
}
