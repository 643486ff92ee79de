/// The pure part of a recorder: bytes seen on the wire in, file bytes out.
///
/// It frames each direction with its own ``BGAPIFrameDecoder`` (so the file holds whole packets, and bytes
/// that frame as nothing are kept as discarded runs: every byte survives), notices the dongle's address and
/// firmware in `system_address_get` / `system_get_info` answers, and stops at an optional size cap with a
/// final `capReached` record. Times are the caller's: monotonic, since the recording began.
public struct RecordingSession: Sendable {
    /// Largest file this session writes, or nil for no cap.
    public let maximumBytes: Int?
    /// Bytes produced so far, prelude included.
    public private(set) var bytesWritten = 0
    /// Whether the cap was reached (nothing more is recorded).
    public private(set) var isFull = false
    /// What the session knows about the dongle so far.
    public private(set) var header: RecordingHeader
    private var hostToDevice = BGAPIFrameDecoder(direction: .hostToDevice)
    private var deviceToHost = BGAPIFrameDecoder(direction: .deviceToHost)
    private var lastTime: Duration = .zero

    /// A session for `header`; a cap below 1 KiB is raised to 1 KiB so the header always fits.
    public init(header: RecordingHeader, maximumBytes: Int? = nil) {
        self.header = header
        self.maximumBytes = maximumBytes.map { max(1024, $0) }
    }

    /// The prelude and header record: the first bytes of the file.
    public mutating func begin() -> [UInt8] {
        let bytes = RecordingEncoder.prelude + RecordingEncoder.header(header)
        bytesWritten += bytes.count
        return bytes
    }

    /// Bytes that travelled `direction` at `time`: the records of every packet (or discarded run) they complete.
    public mutating func record(_ bytes: [UInt8], direction: BGAPIDirection, at time: Duration) -> [UInt8] {
        guard !isFull else { return [] }
        let time = monotonic(time)
        var outputs: [BGAPIFrameDecoderOutput] = []
        if direction == .hostToDevice {
            hostToDevice.expire(at: time) { outputs.append($0) }
            hostToDevice.feed(bytes[...], at: time) { outputs.append($0) }
        } else {
            deviceToHost.expire(at: time) { outputs.append($0) }
            deviceToHost.feed(bytes[...], at: time) { outputs.append($0) }
        }
        var out: [UInt8] = []
        for output in outputs {
            switch output {
            case let .packet(packet):
                append(RecordingEntry(time: time, content: .packet(direction, packet)), to: &out)
                if direction == .deviceToHost, let info = learn(from: packet) {
                    append(RecordingEntry(time: time, content: info), to: &out)
                }
            case let .discarded(dropped):
                append(RecordingEntry(time: time, content: .discarded(direction, dropped)), to: &out)
            }
        }
        return out
    }

    /// The port opened or closed at `time`; a close also flushes any partial packet as discarded bytes.
    public mutating func note(_ event: RecordingPortEvent, at time: Duration) -> [UInt8] {
        guard !isFull else { return [] }
        let time = monotonic(time)
        var out: [UInt8] = []
        if case .closed = event { out += flush(at: time) }
        append(RecordingEntry(time: time, content: .port(event)), to: &out)
        return out
    }

    /// States the dongle's identity outright (a dongle-side recorder knows it without asking).
    public mutating func describeDongle(address: BluetoothAddress?, firmware: SystemGetInfoResponse?, at time: Duration) -> [UInt8] {
        let time = monotonic(time)
        if let address { header.dongleAddress = address }
        if let firmware { header.dongleFirmware = firmware }
        var out: [UInt8] = []
        append(RecordingEntry(time: time, content: .dongleInfo(address: address, firmware: firmware)), to: &out)
        return out
    }

    /// Partial packets still held, as discarded records (at the end of a recording).
    public mutating func flush(at time: Duration) -> [UInt8] {
        let time = monotonic(time)
        var out: [UInt8] = []
        if let rest = hostToDevice.reset() { append(RecordingEntry(time: time, content: .discarded(.hostToDevice, rest)), to: &out) }
        if let rest = deviceToHost.reset() { append(RecordingEntry(time: time, content: .discarded(.deviceToHost, rest)), to: &out) }
        return out
    }

    private mutating func monotonic(_ time: Duration) -> Duration {
        lastTime = max(lastTime, time)
        return lastTime
    }

    /// The record for `entry`, unless it would pass the cap: then a `capReached` record, and nothing after.
    private mutating func append(_ entry: RecordingEntry, to out: inout [UInt8]) {
        guard !isFull else { return }
        var bytes = RecordingEncoder.encode(entry)
        if let cap = maximumBytes {
            let marker = RecordingEncoder.encode(RecordingEntry(time: entry.time, content: .capReached))
            if bytesWritten + bytes.count + marker.count > cap {
                isFull = true
                bytes = marker
            }
        }
        bytesWritten += bytes.count
        out += bytes
    }

    /// The dongle-info record a response teaches, if it is new.
    private mutating func learn(from packet: BGAPIPacket) -> RecordingEntry.Content? {
        guard packet.header.messageType == .commandOrResponse, packet.header.messageClass == .system else { return nil }
        guard let message = try? BGAPIMessage(decoding: packet, direction: .deviceToHost) else { return nil }
        switch message {
        case let .response(.systemAddressGet(r)) where header.dongleAddress != r.address:
            header.dongleAddress = r.address
            return .dongleInfo(address: r.address, firmware: nil)
        case let .response(.systemGetInfo(r)) where header.dongleFirmware != r:
            header.dongleFirmware = r
            return .dongleInfo(address: nil, firmware: r)
        default:
            return nil
        }
    }
}
