import BGAPICore
import Foundation

/// A simulated radio world: the virtual dongle's identity and the peripherals around it.
/// Loaded from JSON (format in docs/scenarios.md); `Scenario.named("demo")` is built in.
public struct Scenario: Codable, Sendable, Hashable {
    /// Name shown in logs.
    public var name: String
    /// The dongle itself.
    public var dongle: Dongle = Dongle()
    /// Seed for every random walk, so runs repeat exactly.
    public var seed: UInt64 = 1
    /// The peripherals in range (or coming into range).
    public var peripherals: [Peripheral] = []
    /// Scripted faults on the world's clock.
    public var faults: [Fault] = []

    enum CodingKeys: String, CodingKey { case name, dongle, seed, peripherals, faults }
    /// Decodes with defaults for missing keys.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "unnamed"
        dongle = try c.decodeIfPresent(Dongle.self, forKey: .dongle) ?? dongle
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        peripherals = try c.decodeIfPresent([Peripheral].self, forKey: .peripherals) ?? []
        faults = try c.decodeIfPresent([Fault].self, forKey: .faults) ?? []
    }

    /// The virtual BLED112's identity and limits.
    public struct Dongle: Codable, Sendable, Hashable {
        /// Public address reported by `system_address_get`.
        public var address: String = "00:07:80:B1:E0:01"
        /// Simultaneous connections (BLED112 default 3; up to 8).
        public var maxConnections: Int = 3
        /// Bond slots in flash.
        public var maxBonds: Int = 8
        /// `system_get_info` version fields.
        public var firmware: Firmware = Firmware()
        /// What `connection_disconnect` reports as the reason (the reference documents 0; some stacks 0x0216).
        public var localDisconnectReason: UInt16 = 0
        /// How the module reaches the host, which decides what a reset looks like (reference §1.3, §4.2).
        public var transport: Transport = .usb
        /// Whether indications arrive as type 5 and wait for `attclient_indicate_confirm` (config.xml's
        /// manual confirmation, reference §3.2); by default the stack confirms them itself (type 2).
        public var manualIndicationConfirm: Bool = false
        /// Creates the default BLED112 identity.
        public init() {}

        /// The module's host interface.
        public enum Transport: String, Codable, Sendable, Hashable, CaseIterable {
            /// A BLED112 (USB CDC): a reset drops it off USB and it re-enumerates; no `system_boot` (reference §1.3).
            case usb
            /// A BLE112/BLE113 on a UART: the port stays and `system_boot` follows a reset (reference §4.2).
            case uart
        }

        enum CodingKeys: String, CodingKey {
            case address, maxConnections, maxBonds, firmware, localDisconnectReason, transport, manualIndicationConfirm
        }
        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.decodeIfPresent(String.self, forKey: .address) ?? address
            maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
            maxBonds = try c.decodeIfPresent(Int.self, forKey: .maxBonds) ?? maxBonds
            firmware = try c.decodeIfPresent(Firmware.self, forKey: .firmware) ?? firmware
            localDisconnectReason = try c.decodeIfPresent(UInt16.self, forKey: .localDisconnectReason) ?? localDisconnectReason
            transport = try c.decodeIfPresent(Transport.self, forKey: .transport) ?? transport
            manualIndicationConfirm = try c.decodeIfPresent(Bool.self, forKey: .manualIndicationConfirm) ?? manualIndicationConfirm
        }
    }

    /// `system_get_info` values (plausible BLED112 firmware 1.7.0 by default).
    public struct Firmware: Codable, Sendable, Hashable {
        /// Major version.
        public var major: UInt16 = 1
        /// Minor version.
        public var minor: UInt16 = 7
        /// Patch level.
        public var patch: UInt16 = 0
        /// Build number.
        public var build: UInt16 = 147
        /// Link-layer version.
        public var llVersion: UInt16 = 6
        /// BGAPI protocol version.
        public var protocolVersion: UInt8 = 1
        /// Hardware revision.
        public var hw: UInt8 = 1
        /// Default firmware identity.
        public init() {}
        enum CodingKeys: String, CodingKey { case major, minor, patch, build, llVersion, protocolVersion, hw }
        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            major = try c.decodeIfPresent(UInt16.self, forKey: .major) ?? major
            minor = try c.decodeIfPresent(UInt16.self, forKey: .minor) ?? minor
            patch = try c.decodeIfPresent(UInt16.self, forKey: .patch) ?? patch
            build = try c.decodeIfPresent(UInt16.self, forKey: .build) ?? build
            llVersion = try c.decodeIfPresent(UInt16.self, forKey: .llVersion) ?? llVersion
            protocolVersion = try c.decodeIfPresent(UInt8.self, forKey: .protocolVersion) ?? protocolVersion
            hw = try c.decodeIfPresent(UInt8.self, forKey: .hw) ?? hw
        }
    }

    /// One simulated peripheral.
    public struct Peripheral: Codable, Sendable, Hashable {
        /// Label used in logs and faults (not sent over the air unless in the AD data).
        public var id: String
        /// Its address, `AA:BB:CC:DD:EE:FF`.
        public var address: String
        /// `public` or `random`.
        public var addressType: String = "public"
        /// Advertising interval in milliseconds.
        public var advertisingIntervalMs: Double = 100
        /// Whether it accepts connections (ADV_IND) or only broadcasts (ADV_NONCONN_IND / ADV_SCAN_IND).
        public var connectable: Bool = true
        /// Advertising data.
        public var advertising: AdvertisingData = AdvertisingData()
        /// Scan response data, sent to active scanners; `nil` for none.
        public var scanResponse: AdvertisingData?
        /// How its RSSI moves.
        public var rssi: RSSIModel = RSSIModel()
        /// Seconds after start when it begins advertising.
        public var appearsAt: Double = 0
        /// Seconds after start when it stops advertising (and drops any link); `nil` for never.
        public var leavesAt: Double?
        /// Its GATT database (services in order).
        public var services: [Service] = []
        /// Passkey it expects (or displays) when pairing needs MITM protection.
        public var passkey: UInt32?
        /// Pairing fails with this SMP/BGAPI code (e.g. 0x0305 pairing not supported).
        public var bondingFailure: UInt16?

        /// A minimal peripheral.
        public init(id: String, address: String) {
            self.id = id
            self.address = address
        }

        enum CodingKeys: String, CodingKey {
            case id, address, addressType, advertisingIntervalMs, connectable, advertising, scanResponse, rssi
            case appearsAt, leavesAt, services, passkey, bondingFailure
        }

        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            address = try c.decode(String.self, forKey: .address)
            addressType = try c.decodeIfPresent(String.self, forKey: .addressType) ?? addressType
            advertisingIntervalMs = try c.decodeIfPresent(Double.self, forKey: .advertisingIntervalMs) ?? advertisingIntervalMs
            connectable = try c.decodeIfPresent(Bool.self, forKey: .connectable) ?? connectable
            advertising = try c.decodeIfPresent(AdvertisingData.self, forKey: .advertising) ?? advertising
            scanResponse = try c.decodeIfPresent(AdvertisingData.self, forKey: .scanResponse)
            rssi = try c.decodeIfPresent(RSSIModel.self, forKey: .rssi) ?? rssi
            appearsAt = try c.decodeIfPresent(Double.self, forKey: .appearsAt) ?? appearsAt
            leavesAt = try c.decodeIfPresent(Double.self, forKey: .leavesAt)
            services = try c.decodeIfPresent([Service].self, forKey: .services) ?? services
            passkey = try c.decodeIfPresent(UInt32.self, forKey: .passkey)
            bondingFailure = try c.decodeIfPresent(UInt16.self, forKey: .bondingFailure)
        }
    }

    /// AD structures to advertise; fields map to AD types, `raw` is appended verbatim.
    public struct AdvertisingData: Codable, Sendable, Hashable {
        /// Flags (0x01); `nil` omits the structure.
        public var flags: UInt8?
        /// Complete local name (0x09), UTF-8.
        public var name: String?
        /// Complete local name given as hex bytes (for names that are not valid UTF-8).
        public var nameHex: String?
        /// Shortened local name (0x08).
        public var shortName: String?
        /// Complete list of 16-bit service UUIDs (0x03), as hex strings like `180D`.
        public var services16: [String]?
        /// Complete list of 32-bit service UUIDs (0x05).
        public var services32: [String]?
        /// Complete list of 128-bit service UUIDs (0x07).
        public var services128: [String]?
        /// Manufacturer specific data (0xFF): company ID and payload hex.
        public var manufacturer: Manufacturer?
        /// Service data (0x16 / 0x20 / 0x21 by UUID length).
        public var serviceData: [ServiceData]?
        /// TX power level (0x0A) in dBm.
        public var txPower: Int8?
        /// Appearance (0x19).
        public var appearance: UInt16?
        /// Further raw AD bytes, hex.
        public var raw: String?
        /// Empty advertising data.
        public init() {}
    }

    /// Manufacturer specific data.
    public struct Manufacturer: Codable, Sendable, Hashable {
        /// Bluetooth SIG company identifier.
        public var company: UInt16
        /// Payload after the company ID, hex.
        public var data: String
    }

    /// Service data for one UUID.
    public struct ServiceData: Codable, Sendable, Hashable {
        /// The service UUID (16, 32 or 128-bit).
        public var uuid: String
        /// Payload, hex.
        public var data: String
    }

    /// RSSI behaviour: a mean, a bounded random walk, and an optional distance profile over time.
    public struct RSSIModel: Codable, Sendable, Hashable {
        /// Mean RSSI in dBm at the start.
        public var mean: Double = -60
        /// Standard step of the random walk per advertisement, in dB.
        public var walk: Double = 2
        /// Change of the mean per second (negative: walking away).
        public var driftPerSecond: Double = 0
        /// Default model.
        public init() {}
        enum CodingKeys: String, CodingKey { case mean, walk, driftPerSecond }
        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            mean = try c.decodeIfPresent(Double.self, forKey: .mean) ?? mean
            walk = try c.decodeIfPresent(Double.self, forKey: .walk) ?? walk
            driftPerSecond = try c.decodeIfPresent(Double.self, forKey: .driftPerSecond) ?? driftPerSecond
        }
    }

    /// A GATT service.
    public struct Service: Codable, Sendable, Hashable {
        /// Service UUID.
        public var uuid: String
        /// Primary (0x2800) or secondary (0x2801).
        public var primary: Bool = true
        /// UUIDs of services of the same device this one includes.
        public var includes: [String]?
        /// Characteristics in order.
        public var characteristics: [Characteristic] = []

        enum CodingKeys: String, CodingKey { case uuid, primary, includes, characteristics }
        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            uuid = try c.decode(String.self, forKey: .uuid)
            primary = try c.decodeIfPresent(Bool.self, forKey: .primary) ?? primary
            includes = try c.decodeIfPresent([String].self, forKey: .includes)
            characteristics = try c.decodeIfPresent([Characteristic].self, forKey: .characteristics) ?? characteristics
        }
    }

    /// A GATT characteristic with its value behaviour.
    public struct Characteristic: Codable, Sendable, Hashable {
        /// Characteristic UUID.
        public var uuid: String
        /// Properties: `read`, `write`, `writeWithoutResponse`, `notify`, `indicate`.
        public var properties: [String] = ["read"]
        /// Initial value, hex.
        public var value: String = ""
        /// Initial value as text (UTF-8), instead of `value`.
        public var text: String?
        /// How the value changes over time; `nil` keeps it fixed.
        public var generator: Generator?
        /// Notification/indication period once a client subscribes, in milliseconds.
        public var notifyIntervalMs: Double?
        /// Security to read or write: `none`, `encrypted` (0x040F until encrypted), `authenticated` (0x0405 until bonded).
        public var security: String = "none"
        /// `store` keeps writes; `echo` also notifies the written bytes on `echoTo` (or this characteristic).
        public var onWrite: String = "store"
        /// UUID of the characteristic that echoes writes (Nordic UART style).
        public var echoTo: String?
        /// User description descriptor (0x2901) text.
        public var userDescription: String?
        /// Longest value accepted by writes.
        public var maxLength: Int = 512
        /// An ATT error (e.g. 0x0480) every access answers with, for fault injection.
        public var attError: UInt16?

        enum CodingKeys: String, CodingKey {
            case uuid, properties, value, text, generator, notifyIntervalMs, security, onWrite, echoTo
            case userDescription, maxLength, attError
        }

        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            uuid = try c.decode(String.self, forKey: .uuid)
            properties = try c.decodeIfPresent([String].self, forKey: .properties) ?? properties
            value = try c.decodeIfPresent(String.self, forKey: .value) ?? value
            text = try c.decodeIfPresent(String.self, forKey: .text)
            generator = try c.decodeIfPresent(Generator.self, forKey: .generator)
            notifyIntervalMs = try c.decodeIfPresent(Double.self, forKey: .notifyIntervalMs)
            security = try c.decodeIfPresent(String.self, forKey: .security) ?? security
            onWrite = try c.decodeIfPresent(String.self, forKey: .onWrite) ?? onWrite
            echoTo = try c.decodeIfPresent(String.self, forKey: .echoTo)
            userDescription = try c.decodeIfPresent(String.self, forKey: .userDescription)
            maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? maxLength
            attError = try c.decodeIfPresent(UInt16.self, forKey: .attError)
        }
    }

    /// A value that changes with time.
    public struct Generator: Codable, Sendable, Hashable {
        /// `counter` (u8/u16/u32 LE, +step each period), `sine` (int16 LE around `center`),
        /// `battery` (u8 percent draining), `heartRate` (0x2A37 format, u8 bpm wandering).
        public var kind: String
        /// Update period in milliseconds.
        public var periodMs: Double = 1000
        /// Counter step, or battery drain per period.
        public var step: Double = 1
        /// Counter width in bytes (1, 2, 4).
        public var width: Int = 1
        /// Sine centre / heart-rate mean.
        public var center: Double = 0
        /// Sine amplitude / heart-rate spread.
        public var amplitude: Double = 100

        enum CodingKeys: String, CodingKey { case kind, periodMs, step, width, center, amplitude }
        /// Decodes with defaults for missing keys.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(String.self, forKey: .kind)
            periodMs = try c.decodeIfPresent(Double.self, forKey: .periodMs) ?? periodMs
            step = try c.decodeIfPresent(Double.self, forKey: .step) ?? step
            width = try c.decodeIfPresent(Int.self, forKey: .width) ?? width
            center = try c.decodeIfPresent(Double.self, forKey: .center) ?? center
            amplitude = try c.decodeIfPresent(Double.self, forKey: .amplitude) ?? amplitude
        }
    }

    /// A scripted fault.
    public struct Fault: Codable, Sendable, Hashable {
        /// What goes wrong. Decoding refuses any other name, so a typo fails at load (`faults[2].kind: unknown …`).
        public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
            /// The peripheral drops its link (`code`, default 0x0208).
            case disconnect
            /// The dongle vanishes from USB and returns on a new port after `seconds`.
            case unplug
            /// `count` random bytes on the wire.
            case garble
            /// The next response is lost.
            case dropResponse
            /// The next response (and whatever follows it) is late by `seconds`.
            case delayResponse
            /// The next ATT procedure on `peripheral` fails with `code`.
            case attError
            /// `peripheral` stops answering ATT (30 s ATT timeout, then the link drops).
            case silence
            /// The dongle resets as if `system_reset` arrived: USB drop and re-enumeration, or `system_boot` on a UART.
            case reset
            /// The next connection is reported and at once lost: `connection_status` then `connection_disconnected` 0x023E.
            case connectFailure
            /// The next ATT procedure (on `peripheral`, or any) completes `seconds` late.
            case lateCompletion
        }

        /// Seconds after start.
        public var at: Double
        /// What happens.
        public var kind: Kind
        /// Peripheral id for peripheral faults.
        public var peripheral: String?
        /// Error code: disconnect reason (default 0x0208) or ATT error.
        public var code: UInt16?
        /// Duration for delays, unplugs and late completions, in seconds.
        public var seconds: Double?
        /// Byte count for `garble`.
        public var count: Int?

        /// A fault of `kind` at `at` seconds (tests pass 0 and inject it directly).
        public init(at: Double, kind: Kind, peripheral: String? = nil, code: UInt16? = nil, seconds: Double? = nil, count: Int? = nil) {
            self.at = at
            self.kind = kind
            self.peripheral = peripheral
            self.code = code
            self.seconds = seconds
            self.count = count
        }

        /// A fault named by a string (`"unplug"`), for callers that hold kinds as text; `nil` for an unknown name.
        public init?(at: Double, kind name: String, peripheral: String? = nil, code: UInt16? = nil, seconds: Double? = nil, count: Int? = nil) {
            guard let kind = Kind(rawValue: name) else { return nil }
            self.init(at: at, kind: kind, peripheral: peripheral, code: code, seconds: seconds, count: count)
        }

        enum CodingKeys: String, CodingKey { case at, kind, peripheral, code, seconds, count }

        /// Decodes a fault; an unknown `kind` is refused with the list of known ones.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            at = try c.decode(Double.self, forKey: .at)
            let name = try c.decode(String.self, forKey: .kind)
            guard let kind = Kind(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: c,
                    debugDescription: "unknown fault kind '\(name)' (one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.kind = kind
            peripheral = try c.decodeIfPresent(String.self, forKey: .peripheral)
            code = try c.decodeIfPresent(UInt16.self, forKey: .code)
            seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
            count = try c.decodeIfPresent(Int.self, forKey: .count)
        }
    }

    /// Creates an empty world.
    public init(name: String) { self.name = name }

    /// Decodes a world from JSON, with errors that name the bad key.
    public static func decode(json: Data) throws -> Scenario {
        do {
            return try JSONDecoder().decode(Scenario.self, from: json)
        } catch let error as DecodingError {
            throw ScenarioError(Self.describe(error))
        }
    }

    /// `peripherals[0]: missing key 'address'`: a decoding error in one line, naming where.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { p, k in k.intValue.map { p + "[\($0)]" } ?? (p.isEmpty ? k.stringValue : p + "." + k.stringValue) }
        }
        func at(_ keys: [any CodingKey]) -> String { keys.isEmpty ? "" : path(keys) + ": " }
        switch error {
        case let .keyNotFound(key, context): return "\(at(context.codingPath))missing key '\(key.stringValue)'"
        case let .typeMismatch(type, context): return "\(at(context.codingPath))expected \(type)"
        case let .valueNotFound(type, context): return "\(at(context.codingPath))expected \(type), found null"
        case let .dataCorrupted(context):
            if let underlying = context.underlyingError { return "not valid JSON (\(at(context.codingPath))\(underlying.localizedDescription))" }
            return "\(at(context.codingPath))\(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Loads `demo` (built in) or a JSON file.
    public static func load(_ nameOrPath: String) throws -> Scenario {
        if nameOrPath == "demo" { return try decode(json: Data(demoJSON.utf8)) }
        let data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath))
        return try decode(json: data)
    }
}
