import BGAPI
import BGAPIEmulator
import Foundation

/// The dongle blex talks to: a real BLED112, an emulator's pty, or the built-in virtual one.
struct Dongle {
    let backend: BGAPIBackend
    /// For the status bar.
    let name: String
    /// Whether it is the built-in virtual dongle.
    let simulated: Bool
    /// Keeps the in-process emulator alive.
    let runner: EmulatorRunner?

    /// Finds and starts a dongle: `--port` if given, else the first BLED112 by USB id, else the virtual one
    /// with `scenario` (default `demo`). Throws a one-line reason with what to do.
    /// `prepare` runs on the new backend before it starts (the explorer turns tracing on there, so the
    /// reset and hello are in its traffic pane too).
    static func start(port: String?, scenario: String?, callbackQueue: DispatchQueue,
                      prepare: (BGAPIBackend) -> Void = { _ in }) throws -> Dongle {
        if let port {
            let backend = BGAPIBackend(serialPort: port, callbackQueue: callbackQueue)
            prepare(backend)
            do { try backend.start(reset: true, delayAfterReset: .seconds(1)) } catch {
                throw StartError("cannot start the dongle on \(port): \(error)")
            }
            return Dongle(backend: backend, name: port, simulated: false, runner: nil)
        }
        if scenario == nil, let found = PortDiscovery().bled112Ports().first {
            let backend = BGAPIBackend(serialPort: found, callbackQueue: callbackQueue)
            prepare(backend)
            do { try backend.start(reset: true, delayAfterReset: .seconds(1)) } catch {
                throw StartError("found a BLED112 at \(found) but cannot start it: \(error); unplug and replug it, or pass --port")
            }
            return Dongle(backend: backend, name: found, simulated: false, runner: nil)
        }
        let world: Scenario
        if let path = scenario, path != "demo", !FileManager.default.fileExists(atPath: path) {
            throw StartError("no scenario file at \(path): pass --scenario demo or a JSON file (see docs/scenarios.md)")
        }
        do { world = try Scenario.load(scenario ?? "demo") } catch {
            throw StartError("cannot load scenario \(scenario ?? "demo"): \(error)")
        }
        let model: DongleModel
        do { model = try DongleModel(scenario: world, timing: .realistic) } catch {
            throw StartError("scenario \(scenario ?? "demo") is not valid: \(error)")
        }
        let runner = EmulatorRunner(model: model)
        // Each open (and the reopen after a reset) gets a fresh in-memory cable to the same virtual dongle.
        let port = BGAPIPort.custom(name: "virtual BLED112") { () throws(TransportError) -> any ByteTransport in
            let (host, device) = LoopbackTransport.makePair()
            runner.serve(device)
            return host
        }
        let backend = BGAPIBackend(port: port, callbackQueue: callbackQueue)
        prepare(backend)
        do { try backend.start(reset: true, delayAfterReset: .milliseconds(10)) } catch {
            throw StartError("the virtual dongle did not start: \(error)")
        }
        return Dongle(backend: backend, name: "virtual BLED112 (\(world.name))", simulated: true, runner: runner)
    }
}

extension Dongle {
    /// Lets pairing ask the user for a passkey (keyboard and display), which the explorer prompts for.
    func allowPasskeyPairing() {
        try? backend.setSecurityParameters(requireMITM: false, ioCapabilities: .keyboardDisplay)
    }
}

/// Why blex could not start, said in one line before the terminal is touched.
struct StartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
