import HDF5
import Testing

@Suite struct ExtendibleTests {
    /// The value written at [row, column] of the growing dataset.
    private static func value(_ row: Int, _ column: Int) -> Double { Double(row * 10 + column) }

    @Test func datasetGrownThreeTimesWithFlushesReopensWithAllRows() throws {
        let columns = 4
        let rowsPerStep = 5
        try withTemporaryFile("extend") { path in
            do {
                let file = try File.create(path)
                let history = try file.root().createDataset(
                    "history/loss", of: Double.self, shape: [0, columns], maxShape: [nil, columns], chunk: [8, columns])
                #expect(try history.maxShape() == [nil, columns])
                for step in 0..<3 {
                    let start = step * rowsPerStep
                    try history.extend(to: [start + rowsPerStep, columns])
                    let block = (start..<(start + rowsPerStep)).flatMap { row in (0..<columns).map { Self.value(row, $0) } }
                    try history.write(block, offset: [start, 0], count: [rowsPerStep, columns])
                    try file.flush()
                }
                try file.close()
            }
            let expected = (0..<15).flatMap { row in (0..<columns).map { Self.value(row, $0) } }
            do {
                let history = try File.open(path).root().openDataset("history/loss")
                #expect(try history.shape() == [15, columns])
                #expect(try history.maxShape() == [nil, columns])
                #expect(try history.chunkShape() == [8, columns])
                #expect(try history.read(as: Double.self) == expected)
                // A block spanning the rows of the second and third extension.
                #expect(try history.read(as: Double.self, offset: [8, 1], count: [3, 2])
                        == [81, 82, 91, 92, 101, 102])
                #expect(try history.read(as: Double.self, offset: [14, 0], count: [0, 4]) == [])
            }
            do {
                let file = try File.open(path, writable: true)
                let history = try file.root().openDataset("history/loss")
                try history.write([-1.0, -2, -3, -4], offset: [1, 1], count: [2, 2])
                #expect(try history.read(as: Double.self, offset: [0, 0], count: [3, 3])
                        == [0, 1, 2, 10, -1, -2, 20, -3, -4])
                try file.close()
            }
        }
    }

    @Test func hyperslabOutsideTheShapeThrows() throws {
        try withTemporaryFile("hyperslab-bounds") { path in
            let dataset = try File.create(path).root().write("m", [Double](repeating: 0, count: 6), shape: [2, 3])
            let tooFar = try #require(throws: HDF5Error.self) {
                try dataset.read(as: Double.self, offset: [1, 2], count: [1, 2])
            }
            #expect(tooFar.description == "\(path):/m: Dataset.read failed: block at offset [1, 2] with count [1, 2] is outside shape [2, 3]")
            let wrongRank = try #require(throws: HDF5Error.self) {
                try dataset.write([1.0], offset: [0], count: [1])
            }
            #expect(wrongRank.message.contains("outside shape [2, 3]"))
            let badExtent = try #require(throws: HDF5Error.self) { try dataset.extend(to: [4, 3]) }
            #expect(badExtent.function == "H5Dset_extent")
        }
    }
}
