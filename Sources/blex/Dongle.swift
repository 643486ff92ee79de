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
    /// Writes `--record`'s file, when recording.
    var recorder: TrafficRecorder? = nil
    /// The virtual dongle's world (to name its devices in faults); nil on a real dongle.
    var world: Scenario? = nil

    /// Finds and starts a dongle: `--port` if given, else the first BLED112 by USB id, else the virtual one
    /// with `scenario` (default `demo`). Throws a one-line reason with what to do.
    /// `prepare` runs on the new backend before it starts (the explorer turns tracing on there, so the
    /// reset and hello are in its traffic pane too). With `recording`, every byte from the first (the reset)
    /// on goes to that file (docs/recording.md).
    static func start(port: String?, scenario: String?, callbackQueue: DispatchQueue, recording: RecordingRequest? = nil,
                      prepare: (BGAPIBackend) -> Void = { _ in }) throws -> Dongle {
        var recorder: TrafficRecorder?
        func recorded(_ port: BGAPIPort, _ name: String) throws -> BGAPIPort {
            guard let recording else { return port }
            do {
                let r = try TrafficRecorder(path: recording.path, port: name, maximumBytes: recording.maximumBytes)
                recorder = r
                return port.recording(to: r)
            } catch {
                throw StartError("cannot record to \(recording.path): \(error)")
            }
        }
        if let port {
            let backend = BGAPIBackend(port: try recorded(.path(port), port), callbackQueue: callbackQueue)
            prepare(backend)
            do { try backend.start(reset: true, delayAfterReset: .seconds(1)) } catch {
                throw StartError("cannot start the dongle on \(port): \(error)")
            }
            return Dongle(backend: backend, name: port, simulated: false, runner: nil, recorder: recorder)
        }
        if scenario == nil, let found = PortDiscovery().bled112Ports().first {
            let backend = BGAPIBackend(port: try recorded(.path(found), found), callbackQueue: callbackQueue)
            prepare(backend)
            do { try backend.start(reset: true, delayAfterReset: .seconds(1)) } catch {
                throw StartError("found a BLED112 at \(found) but cannot start it: \(error); unplug and replug it, or pass --port")
            }
            return Dongle(backend: backend, name: found, simulated: false, runner: nil, recorder: recorder)
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
        let name = "virtual BLED112 (\(world.name))"
        let backend = BGAPIBackend(port: try recorded(port, name), callbackQueue: callbackQueue)
        prepare(backend)
        do { try backend.start(reset: true, delayAfterReset: .milliseconds(10)) } catch {
            throw StartError("the virtual dongle did not start: \(error)")
        }
        return Dongle(backend: backend, name: name, simulated: true, runner: runner, recorder: recorder, world: world)
    }
}

extension Dongle {
    /// With `--record`, asks the dongle its address and firmware so the recording carries them.
    func identifyForRecording() {
        guard recorder != nil else { return }
        _ = try? backend.macAddress()
        _ = try? backend.send(SystemGetInfoCommand())
    }

    /// Lets pairing ask the user for a passkey (keyboard and display), which the explorer prompts for.
    func allowPasskeyPairing() {
        try? backend.setSecurityParameters(requireMITM: false, ioCapabilities: .keyboardDisplay)
    }
}

/// Where `--record` writes, and its optional size cap.
struct RecordingRequest {
    /// The file.
    var path: String
    /// Largest file size in bytes, nil for none.
    var maximumBytes: Int?
}

/// Why blex could not start, said in one line before the terminal is touched.
struct StartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
