import Foundation
import Testing

@testable import HDF5

@Suite struct CompressionTests {
    /// A smooth 100 x 100 field: compresses well, and any byte error would change a value.
    private static let field = (0..<10_000).map { sin(Double($0) * 0.01) }

    @Test func compressedDatasetRoundTripsWithShuffleThenDeflate() throws {
        try withTemporaryFile("compressed") { path in
            do {
                let file = try File.create(path)
                try file.root().write("spectrum", Self.field, shape: [100, 100], compressionLevel: 6)
                try file.close()
            }
            let spectrum = try File.open(path).root().openDataset("spectrum")
            #expect(try spectrum.filterNames() == ["shuffle", "deflate"])
            // 80 kB fits the automatic 1 MiB chunk budget, so one chunk holds everything.
            #expect(try spectrum.chunkShape() == [100, 100])
            #expect(try spectrum.read(as: Double.self) == Self.field)
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size < 80_000, "a compressed file should be smaller than the raw 80 kB, got \(size) bytes")
        }
    }

    @Test(.enabled(if: Tools.hasH5dump)) func h5dumpSeesShuffleAndDeflate() throws {
        try withTemporaryFile("compressed-h5dump") { path in
            do {
                let file = try File.create(path)
                try file.root().write("spectrum", Self.field, shape: [100, 100], compressionLevel: 6)
                try file.close()
            }
            let dump = try ToolRun("h5dump", ["-p", "-H", "-d", "/spectrum", path])
            #expect(dump.status == 0, "\(dump.errors)")
            #expect(dump.output.contains("SHUFFLE"))
            #expect(dump.output.contains("COMPRESSION DEFLATE { LEVEL 6 }"))
        }
    }

    @Test func extendibleCompressedDatasetKeepsItsFilters() throws {
        try withTemporaryFile("compressed-extendible") { path in
            let file = try File.create(path)
            let samples = try file.root().createDataset(
                "samples", of: Float.self, shape: [0], maxShape: [nil], chunk: [1024], compressionLevel: 4)
            try samples.extend(to: [3000])
            let values = (0..<3000).map { Float($0) / 7 }
            try samples.write(values, offset: [0], count: [3000])
            #expect(try samples.filterNames() == ["shuffle", "deflate"])
            #expect(try samples.read(as: Float.self) == values)
        }
    }

    @Test func uncompressedDatasetsHaveNoFiltersAndNoChunks() throws {
        try withTemporaryFile("plain") { path in
            let dataset = try File.create(path).root().write("plain", [1.0, 2.0])
            #expect(try dataset.filterNames() == [])
            #expect(try dataset.chunkShape() == nil)
        }
    }

    @Test func automaticChunkHalvesAxesInTurnUntilOneMebibyte() {
        // 1000 x 1000 doubles = 8 MB: halve axis 0, axis 1, axis 0 -> 250 x 500 x 8 B = 1 MB.
        #expect(DatasetCreation.automaticChunk(shape: [1000, 1000], elementSize: 8) == [250, 500])
        #expect(DatasetCreation.automaticChunk(shape: [10, 0, 3], elementSize: 8) == [10, 1, 3])
        #expect(DatasetCreation.automaticChunk(shape: [1 << 40], elementSize: 1) == [1 << 20])
    }
}
