import BGAPICore
import BGAPITransport
import Dispatch

extension BGAPIPort {
    /// The port's name as a recording header shows it.
    public var displayName: String {
        switch self {
        case let .path(path): path
        case .autoDiscover: "first BLED112 (USB 2458:0001)"
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
        case .autoDiscover:
            guard let found = PortDiscovery().bled112Ports().first else {
                throw TransportError(operation: .open, path: nil, code: 0,
                                     message: "no BLED112 found (USB 2458:0001): plug one in, or pass the port path")
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
