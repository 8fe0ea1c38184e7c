import HDF5
import Testing

@Suite struct FileFormatTests {
    /// Files must keep HDF5's default (earliest) format: superblock version 0 opens in every
    /// HDF5 since 1.8 and needs no `h5clear` after the writer is killed (version 2/3 superblocks,
    /// written with `libver latest`, record an open-for-write flag that a SIGKILL leaves set).
    @Test(.enabled(if: Tools.hasH5dump)) func filesUseSuperblockVersionZero() throws {
        try withTemporaryFile("format") { path in
            let file = try File.create(path)
            _ = try file.root().createDataset("grow", of: Double.self, shape: [0], maxShape: [nil], chunk: [64])
            try file.close()
            let dump = try ToolRun("h5dump", ["-B", "-H", path])
            #expect(dump.status == 0, "\(dump.errors)")
            #expect(dump.output.contains("SUPERBLOCK_VERSION 0"), "\(dump.output)")
        }
    }
}
