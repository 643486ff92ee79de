import BGAPICore
import Foundation

/// Builds an emulator scenario for one device from what a recording shows of it (`blex clone`): its
/// address and address type, advertising data and scan response as sent, its advertising interval and RSSI
/// as observed, and its GATT database handle for handle from discovery (services, includes, characteristic
/// declarations, descriptors) with the last values the device sent (reads, long reads, notifications).
/// Nothing is invented: a value never seen is marked `unread`, and what could not be observed is listed in
/// the scenario's `notes`. Pure: feed entries, then ask for the scenario.
public struct DeviceCloner: Sendable {
    /// The device being cloned.
    public let target: BluetoothAddress

    private struct Report: Sendable { var time: Duration; var rssi: Int8; var type: ScanResponsePacketType; var data: [UInt8] }

    private var addressType: AddressType?
    private var reports: [Report] = []
    private var reportCount = 0
    private var rssiSum = 0.0, rssiSquares = 0.0
    private var links: Set<ConnectionHandle> = []
    private var pending: [ConnectionHandle: BGAPICommand] = [:]
    /// The database as discovery showed it (the same assembly the replay uses).
    private var database = RecordedDatabase()
    /// A live session's database, when cloning from the explorer.
    private var liveServices: [GATTService]?
    private var values: [AttributeHandle: [UInt8]] = [:]
    private var longValues: [AttributeHandle: [UInt8]] = [:]
    private var readErrors: [AttributeHandle: BGAPIErrorCode] = [:]
    private var dongle: (address: BluetoothAddress?, firmware: SystemGetInfoResponse?) = (nil, nil)
    private var liveInterval: Double?
    private var droppedLive = 0
    /// Bounds what a long or hostile recording can make the cloner hold.
    static let maximumReportsKept = 4096

    /// A cloner for the device at `target`.
    public init(target: BluetoothAddress) { self.target = target }

    /// Whether the recording showed the device at all (advertising or a link).
    public var sawDevice: Bool { reportCount > 0 || addressType != nil }
    /// Whether it showed a discovery of the device's GATT database.
    public var sawDatabase: Bool { !services.isEmpty }

    /// The device's services as observed.
    private var services: [GATTService] { liveServices ?? database.services }

    /// Takes in one record.
    public mutating func observe(_ entry: RecordingEntry) {
        switch entry.content {
        case let .dongleInfo(address, firmware):
            if let address { dongle.address = address }
            if let firmware { dongle.firmware = firmware }
        case let .packet(direction, packet):
            guard let message = try? BGAPIMessage(decoding: packet, direction: direction) else { return }
            observe(message, at: entry.time)
        default:
            break
        }
    }

    /// Takes in every record of a recording.
    public mutating func observe(_ recording: Recording) {
        if let a = recording.header.dongleAddress { dongle.address = a }
        if let f = recording.header.dongleFirmware { dongle.firmware = f }
        for entry in recording.entries { observe(entry) }
    }

    private mutating func observe(_ message: BGAPIMessage, at time: Duration) {
        switch message {
        case let .command(command):
            if let link = Self.link(of: command) { pending[link] = command }
        case let .event(event):
            observe(event, at: time)
        case .response:
            break
        }
    }

    private static func link(of command: BGAPICommand) -> ConnectionHandle? {
        switch command {
        case let .attClientReadByGroupType(c): c.connection
        case let .attClientReadByType(c): c.connection
        case let .attClientFindInformation(c): c.connection
        case let .attClientReadByHandle(c): c.connection
        case let .attClientReadLong(c): c.connection
        case let .attClientFindByTypeValue(c): c.connection
        case let .attClientAttributeWrite(c): c.connection
        case let .attClientPrepareWrite(c): c.connection
        case let .attClientExecuteWrite(c): c.connection
        case let .attClientReadMultiple(c): c.connection
        default: nil
        }
    }

    private mutating func observe(_ event: BGAPIEvent, at time: Duration) {
        switch event {
        case let .gapScanResponse(e) where e.sender == target:
            addressType = e.addressType
            reportCount += 1
            rssiSum += Double(e.rssi)
            rssiSquares += Double(e.rssi) * Double(e.rssi)
            if reports.count >= Self.maximumReportsKept { reports.removeFirst(reports.count / 2) }
            reports.append(Report(time: time, rssi: e.rssi, type: e.packetType, data: e.data))
        case let .connectionStatus(e):
            if e.address == target, e.flags.contains(.connected) {
                links.insert(e.connection)
                addressType = e.addressType
            } else {
                links.remove(e.connection)
            }
        case let .connectionDisconnected(e):
            links.remove(e.connection)
            pending[e.connection] = nil
        case let .attClientGroupFound(e) where links.contains(e.connection):
            _ = database.observe(event, answering: pending[e.connection])
        case let .attClientFindInformationFound(e) where links.contains(e.connection):
            _ = database.observe(event, answering: pending[e.connection])
        case let .attClientAttributeValue(e) where links.contains(e.connection):
            attributeValue(e)
        case let .attClientProcedureCompleted(e) where links.contains(e.connection):
            switch pending[e.connection] {
            case let .attClientReadLong(c)?:
                if e.result.isSuccess, let v = longValues[c.chrHandle] { values[c.chrHandle] = v }
                else if !e.result.isSuccess { readErrors[c.chrHandle] = e.result }
                longValues[c.chrHandle] = nil
            case let .attClientReadByHandle(c)? where !e.result.isSuccess:
                readErrors[c.chrHandle] = e.result
            default:
                break
            }
            pending[e.connection] = nil
        default:
            break
        }
    }

    private mutating func attributeValue(_ e: AttClientAttributeValueEvent) {
        let v = e.value
        if database.observe(.attClientAttributeValue(e), answering: pending[e.connection]) { return }
        switch e.type {
        case .readByType:
            // A read by type that is not a discovery step (by a characteristic's UUID): values.
            values[e.attHandle] = v
        case .readBlob:
            if case .attClientReadLong? = pending[e.connection] { longValues[e.attHandle, default: []] += v }
        case .read:
            if case .attClientReadLong? = pending[e.connection] { longValues[e.attHandle, default: []] += v } else { values[e.attHandle] = v }
        default:
            // Notifications and indications are the device's current value too.
            values[e.attHandle] = v
        }
    }

    /// What a live session knows of a device (the explorer's clone key): its advertising, its database, the
    /// values it sent. Estimates the recording would give (interval, RSSI) come ready-made.
    public struct LiveDevice: Sendable {
        /// Public or random.
        public var addressType: AddressType
        /// The latest data per packet type, as sent.
        public var advertisements: [ScanResponsePacketType: [UInt8]]
        /// Whether it advertised as connectable.
        public var connectable: Bool
        /// The advertising interval as seen, in seconds (advDelay included).
        public var advertisingInterval: Double?
        /// Mean RSSI, dBm.
        public var rssiMean: Double?
        /// Its GATT database.
        public var services: [GATTService]
        /// Values read or notified, by handle.
        public var values: [AttributeHandle: [UInt8]]

        /// Everything above.
        public init(addressType: AddressType, advertisements: [ScanResponsePacketType: [UInt8]], connectable: Bool,
                    advertisingInterval: Double?, rssiMean: Double?, services: [GATTService], values: [AttributeHandle: [UInt8]]) {
            self.addressType = addressType
            self.advertisements = advertisements
            self.connectable = connectable
            self.advertisingInterval = advertisingInterval
            self.rssiMean = rssiMean
            self.services = services
            self.values = values
        }
    }

    /// Takes in what a live session knows of the device.
    public mutating func observe(_ live: LiveDevice) {
        addressType = live.addressType
        let rssi = Int8(clamping: Int((live.rssiMean ?? -60).rounded()))
        for (type, data) in live.advertisements.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            reports.append(Report(time: .zero, rssi: rssi, type: type, data: data))
        }
        if live.connectable, !live.advertisements.keys.contains(.connectableAdvertisement), let first = reports.first(where: { $0.type != .scanResponse }) {
            reports.append(Report(time: .zero, rssi: rssi, type: .connectableAdvertisement, data: first.data))
        }
        if let mean = live.rssiMean { reportCount = 1; rssiSum = mean; rssiSquares = mean * mean }
        liveInterval = live.advertisingInterval.map { max(20, min(10_240, (($0 * 1000 - 5) * 10).rounded() / 10)) }
        // Only what a server could hold: handles inside their service and in order (a hostile or confused
        // peer's may not be); what does not fit is dropped and noted.
        var kept: [GATTService] = []
        var last = AttributeHandle(0)
        for var service in live.services.sorted(by: { $0.startHandle < $1.startHandle }) {
            guard service.startHandle > last, service.endHandle >= service.startHandle else { droppedLive += 1 + service.characteristics.count; continue }
            var next = service.startHandle
            service.characteristics = service.characteristics.sorted { $0.declarationHandle < $1.declarationHandle }.compactMap { c in
                guard c.declarationHandle > next, c.valueHandle > c.declarationHandle, c.valueHandle <= service.endHandle else {
                    droppedLive += 1
                    return nil
                }
                var c = c
                c.descriptors = c.descriptors.filter { $0.handle > c.valueHandle && $0.handle <= service.endHandle }.sorted { $0.handle < $1.handle }
                next = c.descriptors.last?.handle ?? c.valueHandle
                return c
            }
            service.includes = service.includes.filter { $0.handle > service.startHandle && $0.handle < (service.characteristics.first?.declarationHandle ?? AttributeHandle(.max)) }
            last = service.endHandle
            kept.append(service)
        }
        liveServices = kept
        for (h, v) in live.values { values[h] = v }
    }

    // MARK: - The scenario

    /// The scenario: the original dongle's identity (when recorded) and the cloned device.
    public func scenario(name: String? = nil) throws -> Scenario {
        guard sawDevice else { throw ScenarioError("the recording never shows \(target): not heard advertising, never connected") }
        var world = Scenario(name: name ?? "clone of \(target)")
        if let a = dongle.address { world.dongle.address = a.description }
        if let f = dongle.firmware {
            world.dongle.firmware.major = f.major; world.dongle.firmware.minor = f.minor; world.dongle.firmware.patch = f.patch
            world.dongle.firmware.build = f.build; world.dongle.firmware.llVersion = f.llVersion
            world.dongle.firmware.protocolVersion = f.protocolVersion; world.dongle.firmware.hw = f.hw
        }
        var notes = ["cloned by blex \(RecordingFormat.blexVersion) from what it saw of \(target)"]
        world.peripherals = [peripheral(notes: &notes)]
        world.notes = notes
        return world
    }

    private func peripheral(notes: inout [String]) -> Scenario.Peripheral {
        var p = Scenario.Peripheral(id: "clone", address: target.description)
        p.addressType = addressType == .random ? "random" : "public"
        let advertisements = reports.filter { $0.type != .scanResponse }
        if let last = advertisements.last {
            var ad = Scenario.AdvertisingData()
            ad.raw = Self.hex(last.data)
            p.advertising = ad
            p.connectable = advertisements.contains { $0.type == .connectableAdvertisement } || !links.isEmpty || sawDatabase
            if let name = AdvertisingData(bytes: last.data).localName {
                let id = String(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0" ... "9").contains($0)) }.prefix(24))
                if !id.isEmpty { p.id = id.lowercased() }
            }
        } else {
            notes.append("no advertising packet recorded: the clone advertises nothing but stays connectable")
        }
        if let response = reports.last(where: { $0.type == .scanResponse }) {
            var sr = Scenario.AdvertisingData()
            sr.raw = Self.hex(response.data)
            p.scanResponse = sr
        }
        if let interval = liveInterval ?? Self.advertisingInterval(advertisements.map(\.time)) {
            p.advertisingIntervalMs = interval
        } else {
            notes.append("advertising interval not observable (fewer than 2 advertisements): 100 ms assumed")
        }
        if reportCount > 0 {
            let mean = rssiSum / Double(reportCount)
            let variance = max(0, rssiSquares / Double(reportCount) - mean * mean)
            p.rssi.mean = (mean * 10).rounded() / 10
            // The emulator's walk settles at a standard deviation of about 1.6 × `walk` (docs/recording.md).
            p.rssi.walk = min(100, (variance.squareRoot() / 1.6 * 10).rounded() / 10)
        }
        if sawDatabase {
            p.standardServices = false
            p.services = services(notes: &notes)
        } else {
            notes.append("no GATT discovery recorded: the clone has the emulator's standard GAP and GATT services only")
        }
        return p
    }

    private func services(notes: inout [String]) -> [Scenario.Service] {
        let found = services
        var unread = 0
        var out: [Scenario.Service] = []
        for service in found {
            var s = Scenario.Service(uuid: service.uuid.description, primary: service.isPrimary)
            s.handle = service.startHandle.rawValue
            s.endHandle = service.endHandle.rawValue
            if !service.includes.isEmpty {
                s.includes = service.includes.compactMap { inc in
                    (inc.uuid ?? found.first { $0.startHandle == inc.startHandle }?.uuid)?.description
                }
                s.includeHandles = service.includes.map(\.handle.rawValue)
            }
            for characteristic in service.characteristics {
                var c = Scenario.Characteristic(uuid: characteristic.uuid.description,
                                                properties: Self.propertyNames(characteristic.properties.rawValue))
                c.handle = characteristic.declarationHandle.rawValue
                c.valueHandle = characteristic.valueHandle.rawValue
                if let v = values[characteristic.valueHandle] { c.value = Self.hex(v) } else { c.unread = true; unread += 1 }
                switch readErrors[characteristic.valueHandle] {
                case .insufficientAuthentication?: c.security = "authenticated"
                case .insufficientEncryption?: c.security = "encrypted"
                default: break
                }
                c.descriptors = characteristic.descriptors.map { d in
                    var desc = Scenario.Descriptor(uuid: d.uuid.description, handle: d.handle.rawValue)
                    if d.uuid.matches(BluetoothUUID(0x2902)) { return desc }
                    if let v = values[d.handle] {
                        if d.uuid.matches(BluetoothUUID(0x2901)), let text = Self.printable(v) { desc.text = text } else { desc.value = Self.hex(v) }
                    } else {
                        desc.unread = true
                    }
                    return desc
                }
                s.characteristics.append(c)
            }
            out.append(s)
        }
        if found.allSatisfy({ $0.characteristics.isEmpty }) {
            notes.append("services were discovered but no characteristic declarations (a find_information-only discovery, as pygatt's): characteristics are missing")
        }
        if unread > 0 { notes.append("\(unread) characteristic value(s) never read: marked unread, served empty") }
        if droppedLive > 0 { notes.append("\(droppedLive) service(s) or characteristic(s) left out: their handles do not fit their service") }
        return out
    }

    /// Estimated interval in ms: the typical gap between successive advertisements (gaps longer than 1.5 × the
    /// shortest are missed packets), less the mean 5 ms advDelay, in 20...10240.
    static func advertisingInterval(_ times: [Duration]) -> Double? {
        guard times.count >= 2 else { return nil }
        let gaps = zip(times, times.dropFirst()).map { Double(($1 - $0).wholeNanoseconds) / 1e6 }.filter { $0 > 0 }
        guard let shortest = gaps.min() else { return nil }
        let typical = gaps.filter { $0 <= shortest * 1.5 }.sorted()
        let median = typical[typical.count / 2]
        return max(20, min(10_240, ((median - 5) * 10).rounded() / 10))
    }

    static func propertyNames(_ bits: UInt8) -> [String] {
        let names: [(UInt8, String)] = [(0x01, "broadcast"), (0x02, "read"), (0x04, "writeWithoutResponse"), (0x08, "write"),
                                        (0x10, "notify"), (0x20, "indicate"), (0x40, "authenticatedSignedWrites"), (0x80, "extendedProperties")]
        return names.filter { bits & $0.0 != 0 }.map(\.1)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    /// Text, when `bytes` are UTF-8 without control characters (so the file stays readable and re-encodes exactly).
    static func printable(_ bytes: [UInt8]) -> String? {
        guard let s = String(validating: bytes, as: UTF8.self),
              !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return s
    }
}

extension Scenario {
    /// The scenario as pretty-printed JSON with sorted keys, so the same world always gives the same file
    /// (what `blex clone` writes).
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
