import HDF5
import Testing

@Suite struct DimensionScaleTests {
    /// Writes a 3 x 4 dataset `x` with dimension scales `row` (axis 0) and `col` (axis 1),
    /// labelled axes, a root title and a string dataset.
    private static func writeLabelledFile(_ path: String) throws {
        let file = try File.create(path)
        try file.setAttribute("title", "α/|B|")
        let root = try file.root()
        let x = try root.write("x", (0..<12).map(Double.init), shape: [3, 4])
        let rows = try root.write("row", [0.0, 1, 2])
        let columns = try root.write("col", [10.0, 20, 30, 40])
        try rows.makeDimensionScale(name: "row")
        try columns.makeDimensionScale(name: "col")
        try x.attachDimensionScale(rows, dimension: 0)
        try x.attachDimensionScale(columns, dimension: 1)
        try x.setDimensionLabel("row", dimension: 0)
        try x.setDimensionLabel("col", dimension: 1)
        try root.write("unlabelled", [1.0, 2.0])
        try root.writeStrings("names", ["α/|B|", "b"])
        try file.close()
    }

    @Test func scalesAndLabelsReadBack() throws {
        try withTemporaryFile("scales") { path in
            try Self.writeLabelledFile(path)
            let root = try File.open(path).root()
            let x = try root.openDataset("x")
            let rows = try root.openDataset("row")
            let columns = try root.openDataset("col")
            #expect(try rows.isDimensionScale())
            #expect(try columns.isDimensionScale())
            #expect(try !x.isDimensionScale())
            #expect(try x.isDimensionScaleAttached(rows, dimension: 0))
            #expect(try x.isDimensionScaleAttached(columns, dimension: 1))
            #expect(try !x.isDimensionScaleAttached(rows, dimension: 1))
            #expect(try x.dimensionLabel(dimension: 0) == "row")
            #expect(try x.dimensionLabel(dimension: 1) == "col")
            #expect(try root.openDataset("unlabelled").dimensionLabel(dimension: 0) == nil)
            #expect(try x.attributeNames() == ["DIMENSION_LABELS", "DIMENSION_LIST"])
            let outOfRange = try #require(throws: HDF5Error.self) { try x.dimensionLabel(dimension: 2) }
            #expect(outOfRange.description == "\(path):/x: H5DSget_label failed: dimension 2 is out of range for rank 2")
        }
    }

    /// h5py (with its own, newer HDF5) must see the labels, the attached scales and the UTF-8
    /// strings exactly as written.
    @Test(.enabled(if: Tools.hasH5py)) func h5pyReadsScalesLabelsAndStrings() throws {
        let script = """
            import sys, h5py
            with h5py.File(sys.argv[1], "r") as f:
                x = f["x"]
                print(x.dims[0].label)
                print(x.dims[0][0].name)
                print(list(x.dims[1].keys()))
                print(f.attrs["title"])
                print(list(f["names"].asstr()[...]))
                print(f["x"][2, 3], f["x"].dtype)
            """
        try withTemporaryFile("scales-h5py") { path in
            try Self.writeLabelledFile(path)
            let run = try ToolRun("python3", ["-c", script, path])
            #expect(run.status == 0, "\(run.errors)")
            #expect(run.output.split(separator: "\n") == [
                "row", "/row", "['col']", "α/|B|", "['α/|B|', 'b']", "11.0 float64",
            ])
        }
    }

    /// The other direction: strings and numbers as h5py and NumPy write them (fixed-length
    /// `S` arrays, variable-length str, int16, booleans as an enum) read through this module.
    @Test(.enabled(if: Tools.hasH5py)) func readsWhatH5pyWrites() throws {
        let script = """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f["fixed"] = np.array([b"abc", b"de", b""], dtype="S5")
                f.attrs["fixed_attr"] = np.bytes_(b"hello")
                f.attrs["fixed_array"] = np.array([b"x", b"yz"], dtype="S2")
                f["vlen"] = np.array(["α/|B|", "plain"], dtype=h5py.string_dtype())
                f.attrs["vlen_attr"] = "α/|B|"
                f["int16"] = np.arange(6, dtype=np.int16).reshape(2, 3)
                f["bools"] = np.array([True, False])
                f.attrs["count"] = np.int64(7)
                f.attrs["array"] = np.array([1.5, 2.5])
            """
        try withTemporaryFile("from-h5py") { path in
            let run = try ToolRun("python3", ["-c", script, path])
            try #require(run.status == 0, "\(run.errors)")
            let file = try File.open(path)
            let root = try file.root()
            #expect(try root.readStrings("fixed") == ["abc", "de", ""])
            #expect(try file.attribute("fixed_attr", as: String.self) == "hello")
            #expect(try file.stringArrayAttribute("fixed_array") == ["x", "yz"])
            #expect(try root.readStrings("vlen") == ["α/|B|", "plain"])
            #expect(try file.attribute("vlen_attr", as: String.self) == "α/|B|")
            let int16 = try root.openDataset("int16")
            #expect(try int16.scalarType() == nil)
            #expect(try int16.shape() == [2, 3])
            #expect(try int16.read(as: Int32.self) == [0, 1, 2, 3, 4, 5])
            #expect(try root.openDataset("bools").scalarType() == nil)
            let bools = try #require(throws: HDF5Error.self) { try root.read("bools", as: UInt8.self) }
            #expect(bools.message == "dataset is enum, expected uint8")
            #expect(try file.attribute("count", as: Int64.self) == 7)
            #expect(try file.attribute("count", as: Double.self) == 7)
            #expect(try file.attributeArray("array", as: Double.self) == [1.5, 2.5])
        }
    }
}
