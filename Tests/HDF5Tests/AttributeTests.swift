import HDF5
import Testing

@Suite struct AttributeTests {
    /// Sets one attribute of each kind through the protocol, so File, Group and Dataset share it.
    private func stamp<Object: HDF5Object & ~Copyable>(_ object: borrowing Object) throws {
        try object.setAttribute("title", "α/|B| spectrum")
        try object.setAttribute("seed", UInt64.max)
        try object.setAttribute("beta", 2.0)
        try object.setAttribute("temperature", Float(0.25))
        try object.setAttribute("step", Int64(-12))
        try object.setAttribute("count", Int32(7))
        try object.setAttribute("flag", UInt8(1))
        try object.setAttribute("eigenvalues", [-1.5, 0, 2.25])
        try object.setAttribute("sizes", [Int32(64), 128, 256])
        try object.setAttribute("dims", ["sample", "α/|B|"])
    }

    private func checkStamp<Object: HDF5Object & ~Copyable>(_ object: borrowing Object) throws {
        #expect(try object.attribute("title", as: String.self) == "α/|B| spectrum")
        #expect(try object.attribute("seed", as: UInt64.self) == .max)
        #expect(try object.attribute("beta", as: Double.self) == 2.0)
        #expect(try object.attribute("temperature", as: Float.self) == 0.25)
        #expect(try object.attribute("step", as: Int64.self) == -12)
        #expect(try object.attribute("count", as: Int32.self) == 7)
        #expect(try object.attribute("flag", as: UInt8.self) == 1)
        #expect(try object.attributeArray("eigenvalues", as: Double.self) == [-1.5, 0, 2.25])
        #expect(try object.attributeArray("sizes", as: Int32.self) == [64, 128, 256])
        #expect(try object.stringArrayAttribute("dims") == ["sample", "α/|B|"])
        // Scalars read as 1-element arrays, and numeric conversion applies.
        #expect(try object.attributeArray("beta", as: Double.self) == [2.0])
        #expect(try object.attribute("count", as: Double.self) == 7.0)
        #expect(try object.stringArrayAttribute("title") == ["α/|B| spectrum"])
        // #expect cannot capture a noncopyable receiver, so the flags go through locals.
        let hasTitle = object.hasAttribute("title")
        let hasMissing = object.hasAttribute("missing")
        #expect(hasTitle)
        #expect(!hasMissing)
        #expect(try object.attributeNames() == [
            "beta", "count", "dims", "eigenvalues", "flag", "seed", "sizes", "step", "temperature", "title",
        ])
    }

    @Test func attributesRoundTripOnFileGroupAndDataset() throws {
        try withTemporaryFile("attributes") { path in
            do {
                let file = try File.create(path)
                try stamp(file)
                let root = try file.root()
                try stamp(try root.createGroup("run/0"))
                try stamp(try root.write("weights", [1.0, 2.0]))
                try file.close()
            }
            let file = try File.open(path)
            try checkStamp(file)
            let root = try file.root()
            try checkStamp(root)  // file attributes are the root group's
            try checkStamp(try root.openGroup("run/0"))
            try checkStamp(try root.openDataset("weights"))
        }
    }

    @Test func settingAnAttributeAgainReplacesItEvenWithAnotherType() throws {
        try withTemporaryFile("attribute-overwrite") { path in
            let file = try File.create(path)
            let dataset = try file.root().write("x", [1.0])
            try dataset.setAttribute("units", "eV")
            try dataset.setAttribute("units", "meV")
            #expect(try dataset.attribute("units", as: String.self) == "meV")
            try dataset.setAttribute("units", [1.0, 2.0, 3.0])
            #expect(try dataset.attributeArray("units", as: Double.self) == [1, 2, 3])
            try dataset.setAttribute("units", Int64(4))
            #expect(try dataset.attribute("units", as: Int64.self) == 4)
            #expect(try dataset.attributeNames() == ["units"])
        }
    }

    @Test func readingAnArrayAttributeAsAScalarThrows() throws {
        try withTemporaryFile("attribute-shape") { path in
            let file = try File.create(path)
            try file.setAttribute("sizes", [Int32(1), 2, 3])
            let error = try #require(throws: HDF5Error.self) { try file.attribute("sizes", as: Int32.self) }
            #expect(error.description == "\(path):/ (attribute 'sizes'): attribute failed: attribute has 3 elements, expected 1")
        }
    }
}
