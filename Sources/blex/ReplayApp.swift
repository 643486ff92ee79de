import Dispatch
import Explorer
import Foundation
import TUI
import TUICurses

/// `blex replay FILE` on a terminal: the explorer, read-only, on a recording. The main thread owns the screen;
/// a 50 ms ticker moves the replay clock by the real time that passed; keys go to the replay first.
@MainActor
final class ReplayApp {
    private var session: ReplaySession
    private var terminal: CursesTerminal?
    private var sources: [any DispatchSourceProtocol] = []
    private var last = DispatchTime.now()
    private let mouse: Bool

    init(session: ReplaySession, mouse: Bool) {
        self.session = session
        self.mouse = mouse
    }

    /// The running app, for the sources' handlers on the main queue.
    static var current: ReplayApp?

    func run() -> Never {
        ReplayApp.current = self
        let terminal = CursesTerminal(mouse: mouse)
        self.terminal = terminal
        let (w, h) = terminal.size
        session.resize(width: w, height: h)
        let input = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
        input.setEventHandler { MainActor.assumeIsolated { ReplayApp.current?.readInput() } }
        input.resume()
        let ticker = DispatchSource.makeTimerSource(queue: .main)
        ticker.schedule(deadline: .now(), repeating: .milliseconds(50))
        ticker.setEventHandler { MainActor.assumeIsolated { ReplayApp.current?.tick() } }
        ticker.resume()
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Foundation.signal(signal, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: signal, queue: .main)
            s.setEventHandler { MainActor.assumeIsolated { ReplayApp.current?.finish() } }
            s.resume()
            sources.append(s)
        }
        sources += [input, ticker]
        render()
        dispatchMain()
    }

    private func tick() {
        let now = DispatchTime.now()
        let elapsed = Duration.nanoseconds(Int64(now.uptimeNanoseconds - last.uptimeNanoseconds))
        last = now
        readInput()
        session.advance(realElapsed: elapsed)
        render()
    }

    private func readInput() {
        guard let terminal else { return }
        for input in terminal.readKeys() {
            switch input {
            case let .key(key):
                if session.handle(key) == .quit || session.state.quitting { finish() }
            case .resize:
                terminal.invalidate()
                let (w, h) = terminal.size
                session.resize(width: w, height: h)
            }
        }
        render()
    }

    private func render() {
        terminal?.present(ExplorerView.render(session.state))
    }

    func finish() {
        terminal?.end()
        terminal = nil
        exit(0)
    }
}
