import BGAPI
import Dispatch
import Explorer
import ExplorerRuntime
import Foundation
import TUI
import TUICurses

/// The interactive explorer: the main thread owns the screen; keys, backend events and ticks become
/// messages for `update`; effects go to the runner; one render per burst of changes.
@MainActor
final class ExplorerApp {
    private var state = ExplorerState()
    private let dongle: Dongle
    private let runner: EffectRunner
    private var terminal: CursesTerminal?
    private var renderScheduled = false
    private var lastRender = DispatchTime(uptimeNanoseconds: 0)
    /// Radio traffic redraws at most this often (RSSI digits change no faster than the eye reads them);
    /// keys redraw at once.
    private let frameInterval = DispatchTimeInterval.milliseconds(100)
    private var sources: [any DispatchSourceProtocol] = []
    /// How long radio events gather before they reach the main thread together: under a flood of 2,000
    /// packets/s it wakes 50 times a second instead of 2,000, and 20 ms is below what a redraw shows.
    nonisolated static let eventBatching = Duration.milliseconds(20)
    private let ascii: Bool
    private let mouse: Bool

    init(dongle: Dongle, ascii: Bool, mouse: Bool, caps: ExplorerCaps = ExplorerCaps(), clock: TrafficClock = TrafficClock(),
         names: UserNames = UserNames(), namesPath: String? = nil) {
        self.dongle = dongle
        self.ascii = ascii
        self.mouse = mouse
        runner = EffectRunner(backend: dongle.backend, clock: clock, cloneScenario: Dongle.cloneScenario,
                              injectFault: dongle.faultInjector) { message in
            DispatchQueue.main.async { MainActor.assumeIsolated { ExplorerApp.current?.dispatch(message) } }
        }
        state.apply(caps)
        state.portName = dongle.name
        state.simulated = dongle.simulated
        state.utcOffset = TimeZone.current.secondsFromGMT()
        state.now = Date().timeIntervalSince1970
        state.ascii = ascii || !Self.localeIsUTF8
        state.names = names
        state.namesPath = namesPath
    }

    /// The running app, for callbacks that arrive on the main queue.
    static var current: ExplorerApp?

    static var localeIsUTF8: Bool {
        let env = ProcessInfo.processInfo.environment
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        return locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
    }

    func run() -> Never {
        ExplorerApp.current = self
        let terminal = CursesTerminal(mouse: mouse)
        self.terminal = terminal
        (state.width, state.height) = terminal.size
        dongle.backend.setEventHandler(batchingFor: Self.eventBatching) { event, time in
            guard let message = self.runner.message(for: event, at: time) else { return }
            MainActor.assumeIsolated { ExplorerApp.current?.dispatch(message) }
        }
        let input = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
        input.setEventHandler { MainActor.assumeIsolated { ExplorerApp.current?.readInput() } }
        input.resume()
        let ticker = DispatchSource.makeTimerSource(queue: .main)
        ticker.schedule(deadline: .now(), repeating: .milliseconds(250))
        ticker.setEventHandler {
            MainActor.assumeIsolated {
                ExplorerApp.current?.readInput() // a resize shows up as a key on the next read
                ExplorerApp.current?.dispatch(.tick(Date().timeIntervalSince1970))
            }
        }
        ticker.resume()
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Foundation.signal(signal, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: signal, queue: .main)
            s.setEventHandler { MainActor.assumeIsolated { ExplorerApp.current?.finish() } }
            s.resume()
            sources.append(s)
        }
        sources += [input, ticker]
        dongle.allowPasskeyPairing()
        for effect in initialEffects(state) { runner.run(effect) }
        render()
        dispatchMain()
    }

    private func readInput() {
        guard let terminal else { return }
        for input in terminal.readKeys() {
            switch input {
            case let .key(key):
                if key == .control("c") { finish() }
                dispatch(.key(key))
            case .resize:
                terminal.invalidate()
                let (w, h) = terminal.size
                dispatch(.resize(width: w, height: h))
            }
        }
    }

    func dispatch(_ message: Message) {
        let effects = update(&state, message)
        for effect in effects {
            if effect == .quit {
                runner.run(.quit) { DispatchQueue.main.async { MainActor.assumeIsolated { ExplorerApp.current?.finish() } } }
            } else {
                runner.run(effect)
            }
        }
        if case .key = message { scheduleRender(urgent: true) } else { scheduleRender(urgent: false) }
    }

    private func scheduleRender(urgent: Bool) {
        guard !renderScheduled else { return }
        renderScheduled = true
        // Everything already queued on main lands before the one render; a flood of advertisements is drawn
        // at most 10 times a second instead of once per packet.
        let earliest = lastRender + frameInterval
        let when = urgent ? DispatchTime.now() : max(DispatchTime.now(), earliest)
        DispatchQueue.main.asyncAfter(deadline: when) { MainActor.assumeIsolated { ExplorerApp.current?.render() } }
    }

    private func render() {
        renderScheduled = false
        lastRender = DispatchTime.now()
        guard let terminal else { return }
        terminal.present(ExplorerView.render(state))
    }

    func finish() {
        terminal?.end()
        terminal = nil
        dongle.backend.setEventHandler(nil)
        dongle.backend.stop()
        exit(0)
    }
}
