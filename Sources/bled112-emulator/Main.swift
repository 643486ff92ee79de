import ArgumentParser
import BGAPIEmulator
import BGAPITransport
import Dispatch
import Foundation
import Logging

/// `bled112-emulator`: a virtual BLED112 on a pseudo-terminal, for pygatt, blex or any BGAPI host.
@main
struct BLED112Emulator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bled112-emulator",
        abstract: "A virtual BLED112 (BGAPI v1) dongle on a pty, with a simulated world of peripherals.",
        discussion: """
        Prints the pty path as the first line of stdout; point your BGAPI host at it, e.g. pygatt.BGAPIBackend(serial_port=PATH), or at --link. Runs until SIGINT or SIGTERM (exit 0).

        SCENARIOS
          --scenario FILE simulates the world a JSON file describes: the dongle (address, firmware, connection and bond slots, usb or uart), peripherals (address and type, advertising and scan response data, interval, RSSI walk, appearance and departure times), their GATT databases (services, includes, characteristics with properties, values, value generators, notification periods, descriptors, security: encryption, passkey MITM), and timed faults. --print-demo prints the built-in world as a starting point; docs/scenarios.md has every key. A file that does not make sense is refused at start with one line naming the key (exit 1).

        FAULTS (scenario "faults": [{"at": SECONDS, "kind": KIND, ...}])
          disconnect (peripheral, code: the reason, e.g. 520 = 0x0208 supervision timeout), unplug (seconds off the bus), reset (the dongle resets: off USB, or system_boot with --uart), connectFailure (connection_status then connection_disconnected 0x023E), lateCompletion (seconds: the next procedure ends that much later), attError (peripheral, code), silence (the peripheral stops answering until the 30 s ATT timeout), garble (count random bytes), dropResponse (the next response is lost), delayResponse (seconds).

        PORTS
          A BLED112 drops off USB when it resets (system_reset, dfu_reset, the reset fault) and comes back after about a second on a new pty, as a real one re-enumerates, perhaps under a new name. --link PATH keeps a symlink that points at the current pty and is absent while the dongle is away, as a udev by-id link is: give hosts that reset on start (pygatt does) the link, not the pty path. --uart makes it a BLE112/BLE113 on a UART instead: the port stays and system_boot arrives.

        STATE AND TIME
          --state FILE keeps the dongle's flash (bonds, PS keys) across runs, as the real dongle does. --fast makes procedures, pairing and re-enumeration take no simulated time, for tests; without it ATT round trips follow the link's connection interval, as on air.
        """)

    @Option(name: .long, help: "World to simulate: 'demo' (built in) or a JSON scenario file (docs/scenarios.md).")
    var scenario: String = "demo"

    @Option(name: .long, help: "File holding bonds and PS keys across runs (the dongle's flash); created 0600.")
    var state: String?

    @Option(name: .long, help: "Also create a symlink to the pty at this path (replaced on unplug faults).")
    var link: String?

    @Flag(name: .long, help: """
        Behave as a BLE112/BLE113 on a UART: a reset keeps the port and sends system_boot. By default the \
        emulator is a BLED112, which drops off USB on a reset and comes back on a new pty (--link follows it).
        """)
    var uart = false

    @Flag(name: .long, help: "Procedures take no simulated time (tests, benchmarks).")
    var fast = false

    @Flag(name: .long, help: "Log every BGAPI command, response and event to stderr.")
    var logTraffic = false

    @Flag(name: .long, help: "Print the built-in demo scenario as JSON and exit.")
    var printDemo = false

    func run() throws {
        if printDemo {
            print(Scenario.demoJSON)
            return
        }
        var world: Scenario
        do { world = try Scenario.load(scenario) } catch {
            throw ValidationError("cannot load scenario '\(scenario)': \(error)")
        }
        if uart { world.dongle.transport = .uart }
        let stored: DonglePersistentState
        do { stored = try state.map(DonglePersistentState.load(path:)) ?? DonglePersistentState() } catch {
            throw ValidationError("\(error)")
        }
        let model: DongleModel
        do { model = try DongleModel(scenario: world, timing: fast ? .instant : .realistic, persistentState: stored) } catch {
            throw ValidationError("scenario '\(scenario)': \(error)")
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "bled112-emulator")
        logger.logLevel = logTraffic ? .debug : .notice

        let runner = EmulatorRunner(model: model)
        let traffic = logger
        runner.trace = { event in
            switch event {
            case let .received(m): traffic.debug("← \(m)")
            case let .sent(m): traffic.debug("→ \(m)")
            case let .rejected(why): traffic.warning("parser: \(why)")
            case let .note(text): traffic.notice("\(text)")
            }
        }
        if let state {
            runner.persist = { snapshot in
                do { try snapshot.save(path: state) } catch { traffic.error("cannot save state to \(state): \(error)") }
            }
        }
        // A new pty after each unplug or USB reset, its path printed, the --link re-pointed.
        let ports = EmulatorPort(link: link)
        try ports.attach(runner) { printLine($0) }

        let signals = [SIGINT, SIGTERM].map { signo -> DispatchSourceSignal in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .main)
            source.setEventHandler {
                runner.stop()
                ports.close()
                Foundation.exit(0)
            }
            source.resume()
            return source
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }
}

/// Prints a line and flushes at once, so a parent process reading our stdout sees the pty path.
func printLine(_ text: String) {
    let line = Array((text + "\n").utf8)
    line.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}
