import BGAPICore
import BGAPITransport
import Dispatch
import Foundation

/// One line of BGAPI traffic as the emulator saw it, for logs and tests.
public enum EmulatorTrace: Sendable, Equatable {
    /// A command from the host.
    case received(BGAPIMessage)
    /// A response or event to the host.
    case sent(BGAPIMessage)
    /// Bytes the parser dropped, or a payload it could not decode.
    case rejected(String)
    /// A reset, unplug or other device-level happening.
    case note(String)
}

/// Runs a ``DongleModel`` against a byte transport and a clock: frames commands, feeds the model,
/// writes its answers, and wakes for the world's scheduled events (advertisements, notifications, faults).
///
/// Everything happens on one serial queue; the model itself stays pure.
public final class EmulatorRunner: @unchecked Sendable {
    // @unchecked: every mutable member below is touched only on `queue` (checked with dispatchPrecondition).
    private let queue: DispatchQueue
    /// Marks `queue` as this runner's, so ``stop()`` knows when it is called on it.
    private let onQueueKey = DispatchSpecificKey<ObjectIdentifier>()
    private var model: DongleModel
    private var transport: (any ByteTransport)?
    private var decoder = BGAPIFrameDecoder(direction: .hostToDevice)
    private let origin = DispatchTime.now()
    /// The world clock: `anchorWorld` at real time `anchorReal` (since `origin`), running at `rate`.
    private var anchorReal = Duration.zero
    private var anchorWorld = Duration.zero
    private var rate = 1.0
    private var timer: DispatchSourceTimer?
    private let scheduler: (any HostScheduler)?
    private var scheduled: (deadline: Duration, timer: any ScheduledTimer, token: UInt64)?
    private var scheduledToken: UInt64 = 0
    private var unpluggedUntil: Duration?

    /// Called on the queue for every command, answer and parser complaint.
    public var trace: (@Sendable (EmulatorTrace) -> Void)?
    /// Called when bonds or PS keys change, with the state to save.
    public var persist: (@Sendable (DonglePersistentState) -> Void)?
    /// Called when the port goes away (an `unplug` fault, or a BLED112 reset dropping off USB) with how long
    /// until the device is back; the caller makes a new port then (a new pty, `--link` re-pointed) and calls
    /// ``serve(_:)``. Without it, a reset keeps the current port (nothing could bring a new one), as
    /// before; an unplug still closes it.
    public var unplugged: (@Sendable (Duration) -> Void)?

    /// Wraps a model; nothing runs until ``serve(_:)``. The world runs on the real clock, or on `scheduler`'s
    /// (a test's `ManualScheduler`, shared with the backend under test, so 30 s ATT timeouts take no wall time).
    public init(model: DongleModel, queue: DispatchQueue = DispatchQueue(label: "bled112-emulator"),
                scheduler: (any HostScheduler)? = nil) {
        self.model = model
        self.queue = queue
        self.scheduler = scheduler
        queue.setSpecific(key: onQueueKey, value: ObjectIdentifier(self))
    }

    /// Starts answering on `transport` (a pty master, a loopback end). Replaces any previous one.
    public func serve(_ transport: any ByteTransport) {
        queue.async { [self] in
            self.transport?.close()
            self.transport = transport
            self.unpluggedUntil = nil
            decoder = BGAPIFrameDecoder(direction: .hostToDevice)
            // Events name their transport: a close of the one this replaced must not end this one.
            transport.start(on: queue) { [weak self, weak transport] event in
                guard let self, let transport else { return }
                self.handle(event, from: transport)
            }
            rearm()
        }
    }

    /// Arms a fault now, as a scenario could at a given time. One outside ``ScenarioLimits`` is traced and ignored.
    public func inject(_ fault: Scenario.Fault) {
        queue.async { [self] in
            if let why = fault.limitViolation { trace?(.note("fault \(fault.kind.rawValue) ignored: \(why)")) }
            dispatch(model.inject(fault, at: clock()))
            rearm()
        }
    }

    /// Source compatibility for callers that build faults from names (`Scenario.Fault(at:kind: String…)` is
    /// failable): an unknown name is traced and ignored, as before kinds were typed.
    public func inject(_ fault: Scenario.Fault?) {
        guard let fault else {
            queue.async { [self] in trace?(.note("fault ignored: unknown kind")) }
            return
        }
        inject(fault)
    }

    /// Stops: closes the transport and the timer.
    /// Safe from the runner's own callbacks (`trace`, `unplugged`), which run on its queue.
    public func stop() {
        let body = { [self] in
            timer?.cancel()
            timer = nil
            scheduled?.timer.cancel()
            scheduled = nil
            transport?.close()
            transport = nil
        }
        if DispatchQueue.getSpecific(key: onQueueKey) == ObjectIdentifier(self) { body() } else { queue.sync(execute: body) }
    }

    /// The model's current state, read on the queue (for tests and `--state` saving).
    public var persistentState: DonglePersistentState { queue.sync { model.persistentState } }

    /// Real time: the scheduler's when the runner has one (tests on a manual clock), else the uptime clock.
    private func realTime() -> Duration {
        if let scheduler { return scheduler.now }
        return .nanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - origin.uptimeNanoseconds))
    }

    /// World time: real time, paused, sped up or moved ahead by ``setWorldRate(_:)`` and ``advanceWorld(by:)``.
    private func clock() -> Duration {
        rate == 1 ? anchorWorld + (realTime() - anchorReal) : anchorWorld + (realTime() - anchorReal) * rate
    }

    /// Runs the simulated world at `rate` × real time (0 pauses it; at most 100): advertising, notifications,
    /// faults and procedure times all follow. The same seed and the same commands give the same run.
    public func setWorldRate(_ rate: Double) {
        queue.async { [self] in
            anchorWorld = clock()
            anchorReal = realTime()
            self.rate = rate.isFinite ? max(0, min(100, rate)) : 1
            trace?(.note(self.rate == 0 ? "world paused" : "world at ×\(self.rate)"))
            rearm()
        }
    }

    /// Moves the world `duration` ahead at once: what would have happened meanwhile happens now, in order.
    public func advanceWorld(by duration: Duration) {
        queue.async { [self] in
            anchorWorld = clock() + max(.zero, min(.seconds(3600), duration))
            anchorReal = realTime()
            trace?(.note("world jumped ahead \(duration)"))
            fire()
        }
    }

    /// The world's rate (1 real time, 0 paused).
    public var worldRate: Double { queue.sync { rate } }

    private func handle(_ event: TransportEvent, from source: any ByteTransport) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let current = transport, current === source else { return }  // a port already replaced
        switch event {
        case let .received(bytes):
            // A dongle off the bus (unplugged, or reset off USB) reads nothing: not even the rest of the
            // chunk that carried its reset, nor bytes the closed port had already delivered.
            guard unpluggedUntil == nil else { return }
            var outputs: [BGAPIFrameDecoderOutput] = []
            decoder.feed(bytes[...], at: clock()) { outputs.append($0) }
            for output in outputs where unpluggedUntil == nil { process(output) }
            rearm()
        case let .closed(error):
            trace?(.note("port closed\(error.map { ": \($0)" } ?? "")"))
            transport = nil
        }
    }

    private func process(_ output: BGAPIFrameDecoderOutput) {
        let now = clock()
        switch output {
        case let .packet(packet):
            do {
                let message = try BGAPIMessage(decoding: packet, direction: .hostToDevice)
                trace?(.received(message))
                guard case let .command(command) = message else { return }
                dispatch(model.receive(command, at: now))
            } catch {
                trace?(.rejected("\(error)"))
                dispatch(model.protocolError(.invalidParameter, at: now))
            }
        case let .discarded(dropped):
            trace?(.rejected("\(dropped)"))
            // The dongle's parser reports garbage and partial commands (after its 1 s timeout).
            dispatch(model.protocolError(dropped.reason == .interByteTimeout ? .timeout : .invalidCommand, at: now))
        }
    }

    private func dispatch(_ outputs: [DongleOutput]) {
        dispatchPrecondition(condition: .onQueue(queue))
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if unpluggedUntil == nil { try? transport?.write(pending) }
            pending.removeAll()
        }
        for output in outputs {
            switch output {
            case let .send(message):
                trace?(.sent(message))
                if let bytes = try? message.encodedBytes() { pending += bytes }
            case let .reset(after):
                // A BLED112 drops off USB and re-enumerates (reference §1.3): like an unplug, the port closes
                // and a new one comes after `after`, when someone can make one.
                decoder = BGAPIFrameDecoder(direction: .hostToDevice)
                guard let unplugged else {
                    trace?(.note("system reset: connections dropped, bonds kept (port kept: no unplugged handler)"))
                    continue
                }
                flush()
                trace?(.note("system reset: off USB, back in \(after); connections dropped, bonds kept"))
                unplug(after: after, unplugged)
            case let .unplug(after):
                flush()
                trace?(.note("unplugged for \(after)"))
                unplug(after: after, unplugged)
            case let .garbage(bytes):
                trace?(.note("garbling \(bytes.count) bytes"))
                pending += bytes
            case .persist:
                persist?(model.persistentState)
            }
        }
        flush()
    }

    private func unplug(after: Duration, _ handler: (@Sendable (Duration) -> Void)?) {
        unpluggedUntil = clock() + after
        // The handler first: it times the replug from now. Once the port closes, the host may move time on
        // (a test's manual clock did, 40 s at once), and a replug timed after that would never come.
        handler?(after)
        transport?.close()
        transport = nil
    }

    private func rearm() {
        dispatchPrecondition(condition: .onQueue(queue))
        let deadlines = [model.nextEventTime, decoder.expiryDeadline.map { $0 + .milliseconds(1) }].compactMap { $0 }
        if let scheduler {
            guard let nextWorld = deadlines.min(), rate > 0 else { scheduled?.timer.cancel(); scheduled = nil; return }
            // World deadlines become the scheduler's real time (they are the same at the default rate).
            let next = rate == 1 ? anchorReal + (nextWorld - anchorWorld) : anchorReal + (nextWorld - anchorWorld) / rate
            guard scheduled?.deadline != next else { return }
            scheduled?.timer.cancel()
            scheduledToken += 1
            let token = scheduledToken
            let timer = scheduler.schedule(at: next, on: queue) { [weak self] in
                guard let self, self.scheduled?.token == token else { return }
                self.scheduled = nil
                self.fire()
            }
            scheduled = (next, timer, token)
            return
        }
        guard let next = deadlines.min() else { timer?.cancel(); timer = nil; return }
        if timer == nil {
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.setEventHandler { [weak self] in self?.fire() }
            t.resume()
            timer = t
        }
        guard rate > 0 else { timer?.cancel(); timer = nil; return }   // paused: nothing is due
        let delay = max(.zero, (next - clock()) / rate)
        timer?.schedule(deadline: .now() + .nanoseconds(Int(clamping: delay.wholeNanoseconds)), leeway: .milliseconds(1))
    }

    private func fire() {
        let now = clock()
        var outputs: [BGAPIFrameDecoderOutput] = []
        decoder.expire(at: now) { outputs.append($0) }
        for output in outputs { process(output) }
        dispatch(model.advance(to: now))
        rearm()
    }
}
