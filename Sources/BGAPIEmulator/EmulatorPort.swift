import BGAPITransport
import Dispatch
import Foundation

/// The pty an ``EmulatorRunner`` serves, replaced by a new one each time the virtual dongle leaves the bus
/// (an `unplug` fault, or a BLED112 reset: reference §1.3, the device re-enumerates, perhaps under a new
/// name), with an optional symlink that points at the current pty and is absent while the dongle is away,
/// as a udev by-id link is. Hosts that reopen the link after a reset (pygatt, blex) find the dongle again.
public final class EmulatorPort: @unchecked Sendable {
    // @unchecked: `current` is only touched on `queue`.
    private let link: String?
    private let queue = DispatchQueue(label: "bled112-emulator.port")
    private var current: PseudoTerminal?

    /// A keeper that maintains `link` (if given) as a symlink to the current pty.
    public init(link: String?) { self.link = link }

    /// Opens the first pty, points the link at it, and makes `runner` serve it and every replacement;
    /// `replugged` hears each new slave path (the first one included) once the link points at it.
    @discardableResult
    public func attach(_ runner: EmulatorRunner, replugged: @escaping @Sendable (String) -> Void = { _ in }) throws -> String {
        runner.unplugged = { [weak self, weak runner] after in
            guard let self, let runner else { return }
            self.unplug(after: after) { pty in
                runner.serve(pty.master)
                replugged(pty.slavePath)
            }
        }
        let pty = try queue.sync { try open() }
        runner.serve(pty.master)
        replugged(pty.slavePath)
        return pty.slavePath
    }

    /// The current pty's slave path, nil while unplugged.
    public var slavePath: String? { queue.sync { current?.slavePath } }

    /// Closes the current pty and removes the link (at exit).
    public func close() {
        queue.sync {
            current?.close()
            current = nil
            if let link { try? FileManager.default.removeItem(atPath: link) }
        }
    }

    private func open() throws -> PseudoTerminal {
        dispatchPrecondition(condition: .onQueue(queue))
        let pty = try PseudoTerminal()
        current = pty
        if let link {
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: pty.slavePath)
        }
        return pty
    }

    private func unplug(after: Duration, replug: @escaping @Sendable (PseudoTerminal) -> Void) {
        queue.async { [self] in
            current?.close()
            current = nil
            if let link { try? FileManager.default.removeItem(atPath: link) }
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: after.wholeNanoseconds))) { [self] in
                guard let pty = try? open() else { return }
                replug(pty)
            }
        }
    }
}
