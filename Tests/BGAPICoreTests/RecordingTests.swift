import BGAPICore
import Testing

/// The recording format and the pure recording session (docs/recording.md).
struct RecordingTests {
    static let info = SystemGetInfoResponse(major: 1, minor: 4, patch: 2, build: 122, llVersion: 5, protocolVersion: 1, hw: 1)
    static let dongle = BluetoothAddress("00:07:80:AA:BB:CC")!

    /// A short session: a reset, info questions and answers, a scan report split over two chunks, noise.
    static func sampleFile(cap: Int? = nil) throws -> (bytes: [UInt8], hostWire: [UInt8], deviceWire: [UInt8]) {
        var session = RecordingSession(header: RecordingHeader(port: "/dev/ttyACM0"), maximumBytes: cap)
        var out = session.begin()
        var hostWire: [UInt8] = [], deviceWire: [UInt8] = []
        func host(_ bytes: [UInt8], _ ms: Int64) { hostWire += bytes; out += session.record(bytes, direction: .hostToDevice, at: .milliseconds(ms)) }
        func device(_ bytes: [UInt8], _ ms: Int64) { deviceWire += bytes; out += session.record(bytes, direction: .deviceToHost, at: .milliseconds(ms)) }
        out += session.note(.opened("/dev/ttyACM0"), at: .zero)
        host(try SystemResetCommand(bootInDFU: false).encodedBytes(), 1)
        host(try SystemAddressGetCommand().encodedBytes(), 1000)
        device(try SystemAddressGetResponse(address: dongle).encodedBytes(), 1002)
        host(try SystemGetInfoCommand().encodedBytes(), 1003)
        device(try info.encodedBytes(), 1004)
        let report = try GAPScanResponseEvent(rssi: -60, packetType: .connectableAdvertisement, sender: BluetoothAddress("C4:7C:8D:6A:10:01")!,
                                              addressType: .public, bond: BondHandle(rawValue: 0xFF), data: [2, 1, 6]).encodedBytes()
        device(Array(report.prefix(5)), 1100)
        device(Array(report.dropFirst(5)), 1101)
        device([0xFF, 0xFE], 1200)   // noise: no BGAPI header starts with these
        device(try SystemAddressGetResponse(address: dongle).encodedBytes(), 1300)  // seen again: no new info record
        out += session.note(.closed(""), at: .milliseconds(1400))
        for _ in 0 ..< (cap == nil ? 0 : 200) { device(report, 1500) }
        return (out, hostWire, deviceWire)
    }

    @Test func aSessionReadsBackWithItsHeaderPacketsAndDongleInfo() throws {
        let (bytes, hostWire, deviceWire) = try Self.sampleFile()
        let recording = try Recording(bytes: bytes)
        #expect(recording.damage == nil)
        #expect(recording.header.port == "/dev/ttyACM0")
        #expect(recording.header.side == .host)
        #expect(recording.header.blexVersion == RecordingFormat.blexVersion)
        #expect(recording.header.dongleAddress == Self.dongle)
        #expect(recording.header.dongleFirmware == Self.info)
        // Every byte of each direction survives, in order, as packets or discarded runs.
        let wire = recording.entries.compactMap(\.wireBytes)
        #expect(wire.filter { $0.0 == .hostToDevice }.flatMap(\.1) == hostWire)
        #expect(wire.filter { $0.0 == .deviceToHost }.flatMap(\.1) == deviceWire)
        // The scan report is one packet, stamped when its last byte arrived.
        let reports = recording.entries.filter {
            if case let .packet(.deviceToHost, p) = $0.content { p.header.messageType == .event } else { false }
        }
        #expect(reports.map(\.time) == [.milliseconds(1101)])
        let infos = recording.entries.filter { if case .dongleInfo = $0.content { true } else { false } }
        #expect(infos.count == 2)
        let noise = recording.entries.compactMap { e -> BGAPIDiscardedBytes? in
            if case let .discarded(.deviceToHost, d) = e.content { d } else { nil }
        }
        #expect(noise.map(\.bytes) == [[0xFF, 0xFE]])
        #expect(recording.entries.first?.content == .port(.opened("/dev/ttyACM0")))
        #expect(recording.entries.last?.content == .port(.closed("")))
        // Re-encoding gives the same file.
        #expect(recording.encoded == bytes)
    }

    @Test func everyCutOfAFileReadsAsAPrefixOrATypedError() throws {
        let (bytes, _, _) = try Self.sampleFile()
        let whole = try Recording(bytes: bytes)
        for n in 0 ..< bytes.count {
            let cut = Array(bytes.prefix(n))
            do {
                let partial = try Recording(bytes: cut)
                #expect(Array(whole.entries.prefix(partial.entries.count)) == partial.entries)
                // A cut between records is a shorter sound recording; one inside a record is reported.
                if let damage = partial.damage {
                    #expect(damage.isTruncation, "cut at \(n)")
                } else {
                    #expect(partial.encoded == cut, "cut at \(n)")
                }
            } catch {
                // Only a cut inside the prelude or the header record loses everything.
                #expect(n < RecordingFormat.preludeSize + RecordingEncoder.header(whole.header).count)
                #expect(error == .notARecording || error.isTruncation || error == .missingHeader)
            }
        }
    }

    @Test func everyFlippedByteIsDetectedWithoutATrap() throws {
        let (bytes, _, _) = try Self.sampleFile()
        let whole = try Recording(bytes: bytes)
        for i in 0 ..< bytes.count {
            var garbled = bytes
            garbled[i] ^= 0x5A
            do {
                let read = try Recording(bytes: garbled)
                // A damaged record ends the reading; what came before is intact.
                #expect(read.damage != nil, "flip at \(i) went unnoticed")
                #expect(Array(whole.entries.prefix(read.entries.count)) == read.entries)
            } catch {
                #expect(i < RecordingFormat.preludeSize + RecordingEncoder.header(whole.header).count)
            }
        }
    }

    @Test func typedErrorsForForeignFilesAndOtherVersions() {
        #expect(throws: RecordingError.notARecording) { try Recording(bytes: Array("{\"json\": true}".utf8)) }
        #expect(throws: RecordingError.notARecording) { try Recording(bytes: []) }
        var future = RecordingEncoder.prelude
        future[8] = 9
        #expect(throws: RecordingError.unsupportedVersion(9)) { try Recording(bytes: future) }
        #expect(throws: RecordingError.missingHeader) { try Recording(bytes: RecordingEncoder.prelude) }
    }

    @Test func aCapEndsTheFileWithAMarkerAndKeepsItsSize() throws {
        let (bytes, _, _) = try Self.sampleFile(cap: 2048)
        #expect(bytes.count <= 2048)
        let recording = try Recording(bytes: bytes)
        #expect(recording.damage == nil)
        #expect(recording.entries.last?.content == .capReached)
        #expect(recording.entries.filter { $0.content == .capReached }.count == 1)
    }

    @Test func unknownKindsAreKeptAndSkipped() throws {
        var bytes = RecordingEncoder.prelude + RecordingEncoder.header(RecordingHeader(port: "x"))
        bytes += RecordingEncoder.encode(RecordingEntry(time: .seconds(1), content: .unknown(kind: 0x7F, body: [1, 2, 3])))
        bytes += RecordingEncoder.encode(RecordingEntry(time: .seconds(2), content: .capReached))
        let recording = try Recording(bytes: bytes)
        #expect(recording.entries.map(\.content) == [.unknown(kind: 0x7F, body: [1, 2, 3]), .capReached])
    }

    @Test func timeNeverGoesBackwardsInASessionAndIsRefusedInAFile() throws {
        var session = RecordingSession(header: RecordingHeader(port: "p"))
        var bytes = session.begin()
        bytes += session.record(try SystemHelloCommand().encodedBytes(), direction: .hostToDevice, at: .seconds(5))
        bytes += session.record(try SystemHelloCommand().encodedBytes(), direction: .hostToDevice, at: .seconds(4))
        #expect(try Recording(bytes: bytes).entries.map(\.time) == [.seconds(5), .seconds(5)])

        var forged = RecordingEncoder.prelude + RecordingEncoder.header(RecordingHeader(port: "p"))
        forged += RecordingEncoder.encode(RecordingEntry(time: .seconds(5), content: .capReached))
        let backAt = forged.count
        forged += RecordingEncoder.encode(RecordingEntry(time: .seconds(4), content: .capReached))
        #expect(try Recording(bytes: forged).damage == .timeWentBackwards(offset: backAt))
    }

    @Test func aCloseFlushesATornPacketAsDiscardedBytes() throws {
        var session = RecordingSession(header: RecordingHeader(port: "p"))
        var bytes = session.begin()
        let hello = try SystemHelloCommand().encodedBytes()
        let half = Array(try SystemAddressGetResponse(address: Self.dongle).encodedBytes().prefix(5))
        bytes += session.record(half, direction: .deviceToHost, at: .milliseconds(1))
        bytes += session.record(hello, direction: .hostToDevice, at: .milliseconds(2))
        bytes += session.note(.closed("unplugged"), at: .milliseconds(3))
        let contents = try Recording(bytes: bytes).entries.map(\.content)
        #expect(contents == [
            .packet(.hostToDevice, try BGAPIPacket(bytes: hello)),
            .discarded(.deviceToHost, BGAPIDiscardedBytes(bytes: half, reason: .interByteTimeout)),
            .port(.closed("unplugged")),
        ])
    }
}

/// `blex replay --json`: one decoded object per record.
struct RecordingJSONTests {
    @Test func packetsDecodeWithTimeDirectionNameFieldsAndHex() throws {
        let command = try GAPConnectDirectCommand(address: BluetoothAddress("C4:7C:8D:6A:10:01")!, addressType: .public,
                                                  connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0).packet()
        let line = RecordingJSON.line(for: RecordingEntry(time: .microseconds(1_000_250), content: .packet(.hostToDevice, command)))
        #expect(line == #"{"t":1.000250,"dir":"host->dongle","kind":"command","name":"gap_connect_direct","fields":{"address":"C4:7C:8D:6A:10:01","addr_type":0,"conn_interval_min":60,"conn_interval_max":76,"timeout":100,"latency":0},"hex":"000F060301106A8D7CC4003C004C0064000000"}"#)
        let noise = RecordingJSON.line(for: RecordingEntry(time: .zero, content: .discarded(.deviceToHost, BGAPIDiscardedBytes(bytes: [0xFF], reason: .implausibleHeader))))
        #expect(noise == #"{"t":0.000000,"dir":"dongle->host","kind":"discarded","reason":"implausible header","hex":"FF"}"#)
    }

    @Test func textFromThePortIsEscapedSoNothingRawReachesATerminal() {
        let line = RecordingJSON.line(for: RecordingEntry(time: .zero, content: .port(.opened("evil\u{1B}[31m\"\n\u{9B}"))))
        #expect(line == #"{"t":0.000000,"kind":"port","event":"opened","name":"evil\u001B[31m\"\n\u009B"}"#)
    }
}

extension RecordingError {
    var isTruncation: Bool { if case .truncated = self { true } else { false } }
}
