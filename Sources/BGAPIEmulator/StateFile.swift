import Foundation

extension DonglePersistentState {
    /// Reads a `--state` file; a missing file is an empty flash, a malformed one an error naming the path.
    public static func load(path: String) throws -> DonglePersistentState {
        guard FileManager.default.fileExists(atPath: path) else { return DonglePersistentState() }
        do {
            return try JSONDecoder().decode(DonglePersistentState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ScenarioError("state file \(path) is not a bled112-emulator state file: \(error)")
        }
    }

    /// Writes the file atomically, readable and writable by its owner only (it holds bonding keys' stand-ins).
    public func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ScenarioError("cannot write state file \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw ScenarioError("cannot replace state file \(path)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
