import BGAPICore

/// Checks the virtual dongle against a recording (`bled112-emulator --expect FILE`): replays the host's
/// commands into a ``DongleModel`` of a scenario and compares what it answers with what the recorded dongle
/// answered, reporting the first difference with context. Pure: no clock, no port.
///
/// What "the same" means (docs/recording.md):
/// - Responses and events other than advertisements and notifications must match one for one, in order,
///   field by field — except RSSI readings (`connection_get_rssi`: a random walk), the hardware timestamp,
///   and values read from characteristics whose scenario value follows a generator (compared by length).
/// - Advertisements are compared as a set: every advertiser, packet type and AD payload the recording
///   heard must be heard in the replay (how often, at what RSSI and when are the radio's business).
/// - Notifications and indications likewise: every (link, handle, type) recorded must occur in the replay.
/// - Times are not compared. The replay is paced by causes, not clocks: before each command the model runs
///   (in world time, up to 35 s) until it has said everything the recorded dongle said before that command
///   (answers, advertisements, notifications): the host may have been waiting for any of them.
public struct SessionCheck: Sendable {
    /// The first place where the replay and the recording part, with what led there.
    public struct Difference: Sendable, Hashable, CustomStringConvertible {
        /// Position in the compared sequence (0-based) of dongle messages.
        public var index: Int
        /// When the recorded message happened (seconds since the recording began).
        public var time: Duration
        /// What the recording says, or nil when the recording ended first.
        public var expected: String?
        /// What the emulator said, or nil when it said nothing more.
        public var actual: String?
        /// The last host commands and dongle messages that matched, oldest first.
        public var context: [String]

        /// A multi-line report.
        public var description: String {
            var lines = ["first difference at dongle message #\(index) (t=\(RecordingJSON.seconds(time)) s):",
                         "  recorded: \(expected ?? "(nothing more)")",
                         "  emulator: \(actual ?? "(nothing more)")"]
            if !context.isEmpty { lines.append("  after:"); lines += context.map { "    \($0)" } }
            return lines.joined(separator: "\n")
        }
    }

    /// What a check found.
    public struct Outcome: Sendable, Hashable {
        /// The first ordered difference, if any.
        public var difference: Difference?
        /// Advertisements (sender, type, payload) the recording heard and the replay never produced.
        public var missingAdvertisements: [String]
        /// Notifications (link, handle, type) the recording saw and the replay never produced.
        public var missingNotifications: [String]
        /// Commands replayed.
        public var commands: Int
        /// Dongle messages compared in order.
        public var compared: Int

        /// Whether the emulator answered as the recorded dongle did.
        public var matches: Bool { difference == nil && missingAdvertisements.isEmpty && missingNotifications.isEmpty }
    }

    private enum Item: Sendable {
        case command(Duration, BGAPICommand)
        case answer(Duration, BGAPIMessage)
    }

    private let items: [Item]
    /// How long (world time) the model may take to produce what preceded a command.
    public var patience: Duration = .seconds(35)

    /// Prepares a check of `recording`'s dongle answers.
    public init(recording: Recording) {
        items = recording.entries.compactMap { entry in
            guard case let .packet(direction, packet) = entry.content,
                  let message = try? BGAPIMessage(decoding: packet, direction: direction) else { return nil }
            if case let .command(c) = message { return .command(entry.time, c) }
            return .answer(entry.time, message)
        }
    }

    /// Replays into `model` and compares.
    public func run(on model: DongleModel) -> Outcome {
        var model = model
        var now = Duration.zero
        var ordered: [(message: BGAPIMessage, volatile: Bool)] = []
        var advertisements: Set<String> = [], notifications: Set<String> = []
        var commands = 0
        // Per command: how many ordered answers, and which advertisements and notifications, the recorded
        // dongle had sent before it (the host may have been waiting for any of them).
        var sentBefore: [(count: Int, advertisements: Set<String>, notifications: Set<String>)] = []

        // What the recording expects, in order.
        var expected: [(Duration, BGAPIMessage)] = []
        var expectedAdvertisements: [String] = [], expectedNotifications: [String] = []
        for item in items {
            switch item {
            case .command: sentBefore.append((expected.count, Set(expectedAdvertisements), Set(expectedNotifications)))
            case let .answer(t, m):
                switch Self.kind(of: m) {
                case let .advertisement(key): expectedAdvertisements.append(key)
                case let .notification(key): expectedNotifications.append(key)
                case .ordered: expected.append((t, m))
                }
            }
        }

        func take(_ outputs: [DongleOutput], _ model: DongleModel) {
            for case let .send(m) in outputs {
                switch Self.kind(of: m) {
                case let .advertisement(key): advertisements.insert(key)
                case let .notification(key): notifications.insert(key)
                case .ordered: ordered.append((m, Self.isVolatile(m, in: model)))
                }
            }
        }

        var context: [String] = []
        var commandIndex = 0
        for item in items {
            guard case let .command(t, command) = item else { continue }
            // Let the world say what the recorded dongle said before this command.
            let needed = sentBefore[commandIndex]
            let limit = max(now, t) + patience
            while ordered.count < needed.count || !needed.advertisements.isSubset(of: advertisements)
                    || !needed.notifications.isSubset(of: notifications),
                  let next = model.nextEventTime, next <= limit {
                now = max(now, next)
                take(model.advance(to: now), model)
            }
            now = max(now, t)
            take(model.advance(to: now), model)
            take(model.receive(command, at: now), model)
            commands += 1
            commandIndex += 1
        }
        // What followed the last command.
        let limit = now + patience
        let allAdvertisements = Set(expectedAdvertisements), allNotifications = Set(expectedNotifications)
        while ordered.count < expected.count || !allAdvertisements.isSubset(of: advertisements)
                || !allNotifications.isSubset(of: notifications),
              let next = model.nextEventTime, next <= limit {
            now = max(now, next)
            take(model.advance(to: now), model)
        }

        // Compare in order, with context from the recording.
        var difference: Difference?
        var answerIndex = 0
        for item in items {
            switch item {
            case let .command(t, c):
                context.append("t=\(RecordingJSON.seconds(t)) host: \(c)")
            case let .answer(t, m):
                guard case .ordered = Self.kind(of: m) else { continue }
                let i = answerIndex
                answerIndex += 1
                let actual = i < ordered.count ? ordered[i] : nil
                if let actual, Self.same(m, actual.message, volatile: actual.volatile) {
                    context.append("t=\(RecordingJSON.seconds(t)) dongle: \(m)")
                } else if difference == nil {
                    difference = Difference(index: i, time: t, expected: "\(m)", actual: actual.map { "\($0.message)" },
                                            context: Array(context.suffix(6)))
                }
            }
            if difference != nil { break }
            if context.count > 12 { context.removeFirst(context.count - 12) }
        }
        if difference == nil, ordered.count > expected.count {
            let extra = ordered[expected.count].message
            difference = Difference(index: expected.count, time: expected.last?.0 ?? .zero, expected: nil, actual: "\(extra)",
                                    context: Array(context.suffix(6)))
        }
        var missingAds: [String] = []
        for key in expectedAdvertisements where !advertisements.contains(key) && !missingAds.contains(key) { missingAds.append(key) }
        var missingNotes: [String] = []
        for key in expectedNotifications where !notifications.contains(key) && !missingNotes.contains(key) { missingNotes.append(key) }
        return Outcome(difference: difference, missingAdvertisements: missingAds, missingNotifications: missingNotes,
                       commands: commands, compared: min(answerIndex, expected.count))
    }

    private enum Kind { case ordered, advertisement(String), notification(String) }

    private static func kind(of message: BGAPIMessage) -> Kind {
        switch message {
        case let .event(.gapScanResponse(e)):
            return .advertisement("\(e.sender) \(e.addressType) \(e.packetType) \(DeviceCloner.hex(e.data))")
        case let .event(.attClientAttributeValue(e)) where e.type == .notify || e.type == .indicate || e.type == .indicateResponseRequired:
            return .notification("link \(e.connection.rawValue) handle \(e.attHandle) \(e.type)")
        default:
            return .ordered
        }
    }

    /// Whether a read value comes from a generator (so it depends on when it was read).
    private static func isVolatile(_ message: BGAPIMessage, in model: DongleModel) -> Bool {
        guard case let .event(.attClientAttributeValue(e)) = message, let link = model.links[e.connection.rawValue] else { return false }
        let gatt = model.peripherals[link.peripheral].gatt
        guard let i = gatt.index(of: e.attHandle), let c = gatt.attributes[i].characteristic else { return false }
        return gatt.characteristics[c].generator != nil
    }

    /// Equal, once what may differ is masked.
    static func same(_ recorded: BGAPIMessage, _ replayed: BGAPIMessage, volatile: Bool) -> Bool {
        switch (recorded, replayed) {
        case let (.response(.connectionGetRSSI(a)), .response(.connectionGetRSSI(b))):
            return a.connection == b.connection
        case (.response(.hardwareGetTimestamp), .response(.hardwareGetTimestamp)):
            return true
        case let (.event(.attClientAttributeValue(a)), .event(.attClientAttributeValue(b))) where volatile:
            return a.connection == b.connection && a.attHandle == b.attHandle && a.type == b.type && a.value.count == b.value.count
        default:
            return recorded == replayed
        }
    }
}
