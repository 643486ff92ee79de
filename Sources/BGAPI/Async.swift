import Dispatch

extension BGAPIBackend {
    /// Runs blocking library calls from async code without blocking a Swift concurrency thread: `body` runs
    /// on a global queue and the task resumes with its result, e.g.
    /// `let device = try await backend.perform { try $0.connect(address: hrm) }`.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (BGAPIBackend) throws -> T) async throws(BGAPIError) -> T {
        let result: Result<T, BGAPIError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: .success(try body(self)))
                } catch let error as BGAPIError {
                    continuation.resume(returning: .failure(error))
                } catch {
                    continuation.resume(returning: .failure(.unexpected("\(error)")))
                }
            }
        }
        return try result.get()
    }
}
