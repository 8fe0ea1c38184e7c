import Foundation
import Testing
@testable import WeightImport

/// Arrays written by NumPy (`np.save`, `np.savez`, `np.savez_compressed`, format 2.0) and by
/// `safetensors.numpy.save_file` are read back bit-exactly: same shape, same bytes.
@Suite struct WeightRoundTripTests {
    let fixtures = try! #require(PythonFixtures.shared)

    @Test func npyFilesAreBitExact() throws {
        for (name, shape) in try fixtures.manifest() {
            let array = try NPYReader.read(path: fixtures.path("\(name).npy"))
            #expect(array.shape == shape, "\(name)")
            #expect(array.bytes == (try fixtures.bytes("\(name).bin")), "\(name)")
        }
        let v2 = try NPYReader.read(path: fixtures.path("v2.npy"))
        #expect(v2.bytes == (try fixtures.bytes("f4.bin")) && v2.shape == [2, 3, 5])
    }

    @Test(arguments: ["stored.npz", "compressed.npz"])
    func npzMembersAreBitExact(archive: String) throws {
        let npz = try NPZArchive(path: fixtures.path(archive))
        let manifest = try fixtures.manifest()
        #expect(Set(npz.names) == Set(manifest.keys))
        for (name, shape) in manifest {
            let array = try npz.array(name)
            #expect(array.shape == shape, "\(archive) \(name)")
            #expect(array.bytes == (try fixtures.bytes("\(name).bin")), "\(archive) \(name)")
        }
    }

    @Test func safetensorsTensorsAreBitExact() throws {
        let reader = try SafetensorsReader(path: fixtures.path("model.safetensors"))
        let manifest = try fixtures.manifest()
        #expect(reader.tensors.count == 8)
        for info in reader.tensors {
            let tensor = try reader.tensor(info.name)
            #expect(tensor.shape == manifest[info.name], "\(info.name)")
            #expect(tensor.bytes == (try fixtures.bytes("\(info.name).bin")), "\(info.name)")
        }
        #expect(reader.metadata == ["lr": "0.01", "note": "test"])
        #expect(reader.names(matching: "f?") == ["f4", "f2"] || Set(reader.names(matching: "f?")) == ["f4", "f2"])
    }

    /// Conversion to Double is exact: float16/float32 widen exactly, so the values equal the
    /// float64 NumPy computes for the same arrays (checked on known bit patterns here).
    @Test func conversionsAreExact() throws {
        #expect(ElementType.half(0x3C00) == 1)
        #expect(ElementType.half(0xC000) == -2)
        #expect(ElementType.half(0x0001) == 0x1p-24)     // smallest subnormal
        #expect(ElementType.half(0x7BFF) == 65504)       // largest finite
        #expect(ElementType.half(0x7C00) == .infinity)
        #expect(ElementType.half(0x7E00).isNaN)
        let f4 = try NPYReader.read(path: fixtures.path("f4.npy"))
        let floats = f4.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(f4.doubles() == floats.map(Double.init))
        let fortran = try NPYReader.read(path: fixtures.path("fortran.npy"))
        #expect(fortran.doubles().count == 24)
        #expect(try NPYReader.read(path: fixtures.path("scalar.npy")).scalar == 0.125)
    }

    @Test func globPatterns() {
        #expect(globMatch("model.layers.*.mlp.weight", "model.layers.11.mlp.weight"))
        #expect(!globMatch("model.layers.*.mlp.weight", "model.layers.11.attn.weight"))
        #expect(globMatch("*", ""))
        #expect(globMatch("a?c*", "abcdef"))
        #expect(!globMatch("a?c", "ac"))
    }
}
