import Foundation
import HDF5
import Testing

/// Virtual datasets: blocks of other files' datasets read as one array.
@Suite struct VirtualDatasetTests {
    /// Two source files of [2, 3] and [1, 3] joined along axis 0 read back as their
    /// concatenation; the relative source names resolve against the virtual file's directory.
    @Test func sourcesInOtherFilesReadAsOneArray() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dyson-vds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(directory)/parts", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(directory)/joined", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let parts: [[Double]] = [[1, 2, 3, 4, 5, 6], [7, 8, 9]]
        for (index, values) in parts.enumerated() {
            let file = try File.create("\(directory)/parts/\(index).h5")
            try file.root().write("x", values, shape: [values.count / 3, 3])
            try file.close()
        }
        let path = "\(directory)/joined/all.h5"
        do {
            let file = try File.create(path)
            let sources = [VirtualSource(file: "../parts/0.h5", dataset: "/x", shape: [2, 3], offset: [0, 0]),
                           VirtualSource(file: "../parts/1.h5", dataset: "/x", shape: [1, 3], offset: [2, 0])]
            try file.root().createVirtualDataset("x", of: Double.self, shape: [4, 3], sources: sources, fill: -1)
            try file.close()
        }
        let root = try File.open(path).root()
        let dataset = try root.openDataset("x")
        #expect(try dataset.isVirtual())
        #expect(try dataset.virtualSourceFiles() == ["../parts/0.h5", "../parts/1.h5"])
        // Row 3 has no source: it reads as the fill value.
        #expect(try dataset.read(as: Double.self) == parts[0] + parts[1] + [-1, -1, -1])
        #expect(try dataset.read(as: Double.self, offset: [1, 1], count: [2, 2]) == [5, 6, 8, 9])
    }

    @Test func aStoredDatasetIsNotVirtual() throws {
        try withTemporaryFile("plain") { path in
            let file = try File.create(path)
            try file.root().write("x", [1.0, 2.0])
            #expect(try !file.root().openDataset("x").isVirtual())
            #expect(try file.root().openDataset("x").virtualSourceFiles().isEmpty)
            try file.close()
        }
    }
}
