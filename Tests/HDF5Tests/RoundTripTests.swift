import HDF5
import Testing

/// Write-then-read round trips for every scalar type and for strings. Values must come back
/// bit-for-bit (exact `==`): HDF5 stores native types without conversion.
@Suite struct RoundTripTests {
    /// 24 values per type (enough for shape [2, 3, 4]), extremes first.
    private static func samples<T>(_ extremes: [T], _ make: (Int) -> T) -> [T] {
        extremes + (extremes.count..<24).map(make)
    }

    @Test(arguments: [HDF5ScalarType.float64, .float32, .int64, .uint64, .int32, .uint8])
    func numbersRoundTripIn1DAnd3D(type: HDF5ScalarType) throws {
        switch type {
        case .float64:
            try check(Self.samples([-0.0, .pi, 1e300, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]) { Double($0) * 1.5 - 7 })
        case .float32:
            try check(Self.samples([-0.0, .pi, 3e38, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]) { Float($0) * 0.25 - 3 })
        case .int64:
            try check(Self.samples([.min, .max, 0, -1]) { Int64($0) * -1_000_000_007 })
        case .uint64:
            try check(Self.samples([.min, .max, 1 << 63]) { UInt64($0) * 1_000_000_007 })
        case .int32:
            try check(Self.samples([.min, .max, 0, -1]) { Int32($0) * -65_537 })
        case .uint8:
            try check(Self.samples([.min, .max]) { UInt8($0 * 10) })
        }
    }

    /// Writes `values` as a 1-d, a 3-d [2, 3, 4] and a scalar dataset, closes the file, reopens it
    /// read-only and checks shape, stored type and values.
    private func check<T: HDF5Scalar & Equatable>(_ values: [T]) throws {
        try withTemporaryFile("roundtrip-\(T.hdf5ScalarType)") { path in
            do {
                let file = try File.create(path)
                let root = try file.root()
                try root.write("one_d", values)
                try root.write("three_d", values, shape: [2, 3, 4])
                try root.write("scalar", [values[1]], shape: [])
                try file.close()
            }
            let file = try File.open(path)
            let root = try file.root()
            let oneD = try root.openDataset("one_d")
            #expect(try oneD.shape() == [24])
            #expect(try oneD.maxShape() == [24])
            #expect(try oneD.scalarType() == T.hdf5ScalarType)
            #expect(try oneD.read(as: T.self) == values)
            let threeD = try root.openDataset("three_d")
            #expect(try threeD.shape() == [2, 3, 4])
            #expect(try threeD.read(as: T.self) == values)
            // Row-major: element [1, 2, 3] is at 1*12 + 2*4 + 3 = 23.
            #expect(try threeD.read(as: T.self, offset: [1, 2, 3], count: [1, 1, 1]) == [values[23]])
            let scalar = try root.openDataset("scalar")
            #expect(try scalar.shape() == [])
            #expect(try scalar.maxShape() == [])
            #expect(try scalar.read(as: T.self) == [values[1]])
            #expect(try root.read("scalar", as: T.self) == [values[1]])
        }
    }

    @Test func hdf5ConvertsBetweenNumericTypesOnRead() throws {
        try withTemporaryFile("convert") { path in
            let file = try File.create(path)
            let root = try file.root()
            try root.write("ints", [Int32(-3), 0, 7])
            try root.write("doubles", [0.5, 2.0, 1e10])
            #expect(try root.read("ints", as: Double.self) == [-3, 0, 7])
            #expect(try root.read("doubles", as: Float.self) == [0.5, 2.0, 1e10])
            #expect(try root.read("ints", as: Int64.self) == [-3, 0, 7])
        }
    }

    @Test func emptyDatasetsRoundTrip() throws {
        try withTemporaryFile("empty") { path in
            let file = try File.create(path)
            let root = try file.root()
            try root.write("numbers", [Double]())
            try root.write("matrix", [Float](), shape: [0, 5], compressionLevel: 4)
            try root.writeStrings("strings", [])
            #expect(try root.openDataset("numbers").shape() == [0])
            #expect(try root.read("numbers", as: Double.self) == [])
            #expect(try root.openDataset("matrix").shape() == [0, 5])
            #expect(try root.read("matrix", as: Float.self) == [])
            #expect(try root.readStrings("strings") == [])
        }
    }

    @Test func stringDatasetsRoundTripUTF8() throws {
        let names = ["α/|B|", "", "plain ascii", "日本語", "dice 🎲", "tab\tand\nnewline"]
        try withTemporaryFile("strings") { path in
            do {
                let file = try File.create(path)
                let root = try file.root()
                let dataset = try root.writeStrings("names", names)
                #expect(try dataset.scalarType() == nil)
                try root.writeStrings("grid", ["a", "β", "c", "δ"], shape: [2, 2])
                try root.writeStrings("title", ["α/|B| spectrum"], shape: [])
                try file.close()
            }
            let root = try File.open(path).root()
            #expect(try root.readStrings("names") == names)
            #expect(try root.openDataset("names").shape() == [6])
            #expect(try root.readStrings("grid") == ["a", "β", "c", "δ"])
            #expect(try root.openDataset("grid").shape() == [2, 2])
            #expect(try root.readStrings("title") == ["α/|B| spectrum"])
            #expect(try root.openDataset("title").shape() == [])
        }
    }

    @Test func datasetsCanBeOverwrittenInPlace() throws {
        try withTemporaryFile("overwrite") { path in
            let file = try File.create(path)
            let dataset = try file.root().createDataset("w", of: Double.self, shape: [2, 2])
            #expect(try dataset.read(as: Double.self) == [0, 0, 0, 0])  // default fill value
            try dataset.write([1.0, 2, 3, 4])
            try dataset.write([9.0, 8, 7, 6])
            #expect(try dataset.read(as: Double.self) == [9, 8, 7, 6])
        }
    }
}
