import BGAPICore
import BGAPITransport
import Dispatch

extension BGAPIPort {
    /// The port's name as a recording header shows it.
    public var displayName: String {
        switch self {
        case let .path(path): path
        case .autoDiscover, .discover: "first BLED112 (USB 2458:0001)"
        case let .custom(name, _): name
        }
    }

    /// This port with every open (and every reopen after a reset) teed into `recorder`, so a recording
    /// holds the session from its first byte: `start(reset: true)`'s reset included.
    public func recording(to recorder: TrafficRecorder) -> BGAPIPort {
        let base = self
        return .custom(name: displayName) { () throws(TransportError) -> any ByteTransport in
            let (transport, name) = try base.openForRecording()
            return RecordingTransport(wrapping: transport, recorder: recorder, side: .host, name: name)
        }
    }

    /// Opens the port as the backend would, with the name it opened.
    private func openForRecording() throws(TransportError) -> (any ByteTransport, String) {
        switch self {
        case let .path(path):
            return (try SerialPort.open(path: path), path)
        case .autoDiscover, .discover:
            let discovery: PortDiscovery
            if case let .discover(d) = self { discovery = d } else { discovery = PortDiscovery() }
            // The backend's own rule: only a confirmed BLED112 is opened (and so reset).
            let found: String
            do { found = try BGAPIBackend.discovered(by: discovery) } catch {
                throw TransportError(operation: .open, path: nil, code: 0, message: "\(error)")
            }
            return (try SerialPort.open(path: found), found)
        case let .custom(name, open):
            return (try open(), name)
        }
    }
}

extension BGAPIBackend {
    /// A backend on `port` that records all its traffic into `recorder` (docs/recording.md).
    public convenience init(port: BGAPIPort, recorder: TrafficRecorder, interByteTimeout: Duration = .milliseconds(100),
                            callbackQueue: DispatchQueue? = nil, scheduler: any HostScheduler = DispatchScheduler()) {
        self.init(port: port.recording(to: recorder), interByteTimeout: interByteTimeout, callbackQueue: callbackQueue,
                  scheduler: scheduler)
    }
}
