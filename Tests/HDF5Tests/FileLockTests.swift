import Foundation
import Testing
import HDF5

@Suite struct FileLockTests {
    /// Regression test: HDF5 locks files with flock() on descriptors without O_CLOEXEC, so a child
    /// process spawned by another thread briefly holds the lock of every open file. Reopening a
    /// just-closed file used to fail about once in a hundred times with "unable to lock file,
    /// errno = 11" while processes were being spawned; `File.open` now retries for a moment.
    @Test func reopeningWhileOtherThreadsSpawnProcessesSucceeds() async throws {
        let spawner = Task.detached {
            for _ in 0..<50 {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: "/bin/true")
                do { try child.run() } catch { Issue.record("cannot spawn /bin/true: \(error)") }
                child.waitUntilExit()
            }
        }
        for cycle in 0..<500 {
            try withTemporaryFile("lock-\(cycle)") { path in
                try File.create(path).close()
                try File.open(path, writable: true).close()
            }
        }
        await spawner.value
    }
}
