import Foundation
import Testing
@testable import WeightImport

/// Each kind of malformed input named in the issue gives one `WeightImportError` (never a trap),
/// with a message saying what is wrong.
@Suite struct MalformedInputTests {
    /// A format-1.0 `.npy` with header `dict` and `data`, padded like NumPy pads it.
    static func npy(_ dict: String, data: [UInt8]) -> [UInt8] {
        var header = Array(dict.utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
    }

    static func npyError(_ bytes: [UInt8]) -> String? {
        do { _ = try NPYReader.parse(bytes, file: "x.npy"); return nil } catch let e as WeightImportError { return e.message } catch { return "other: \(error)" }
    }

    @Test func npyCases() {
        let ok = Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: [UInt8](repeating: 0, count: 16))
        #expect(Self.npyError(ok) == nil)
        #expect(Self.npyError(Array(ok.dropLast(3)))?.contains("truncated") == true)
        #expect(Self.npyError(Array(ok.prefix(40)))?.contains("header claims") == true)
        #expect(Self.npyError(Self.npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", data: [UInt8](repeating: 0, count: 16)))?.contains("big-endian") == true)
        #expect(Self.npyError(Self.npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", data: []))?.contains("not a numeric") == true)
        #expect(Self.npyError(Self.npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", data: []))?.contains("not a supported") == true)
        #expect(Self.npyError(Self.npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", data: []))?.contains("not a supported") == true)
        #expect(Self.npyError(Self.npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", data: []))?.contains("structured") == true)
        #expect(Self.npyError(Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387903, 4611686018427387903), }", data: []))?.contains("too large") == true)
        #expect(Self.npyError(Self.npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: []))?.contains("repeats") == true)
        #expect(Self.npyError(Self.npy("not a dict", data: []))?.contains("not a Python dict") == true)
        #expect(Self.npyError(Array("hello world, not numpy".utf8))?.contains("bad magic") == true)
    }

    @Test func safetensorsCases() {
        func file(_ json: String, data: Int) -> [UInt8] {
            let h = Array(json.utf8)
            return (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) } + h + [UInt8](repeating: 0, count: data)
        }
        func error(_ bytes: [UInt8]) -> String? {
            do { _ = try SafetensorsReader(bytes: bytes, file: "m.safetensors"); return nil } catch let e as WeightImportError { return e.message } catch { return "other" }
        }
        let good = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#
        #expect(error(file(good, data: 16)) == nil)
        #expect(error(file(good, data: 12))?.contains("extends beyond") == true)             // truncated
        #expect(error(file(good, data: 20))?.contains("after the last tensor") == true)
        var lying = file(good, data: 16); lying[7] = 0x40                                   // header length 2^62
        #expect(error(lying)?.contains("header length") == true)
        #expect(error(file(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: 16))?.contains("duplicate key") == true)
        #expect(error(file(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]"#, data: 16))?.contains("not valid JSON") == true)
        #expect(error(file(#"{"w":{"dtype":"C64","shape":[2],"data_offsets":[0,16]}}"#, data: 16))?.contains("unsupported dtype") == true)
        #expect(error(file(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, data: 16))?.contains("does not fill") == true)
        #expect(error(file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: 16))?.contains("overlaps") == true)
        #expect(error(file(#"{"w":{"dtype":"F32","shape":[2,-2],"data_offsets":[0,16]}}"#, data: 16))?.contains("non-negative") == true)
    }

    @Test func npzCases() throws {
        let fixtures = try #require(PythonFixtures.shared)
        let archive = try fixtures.bytes("compressed.npz")
        func error(_ bytes: [UInt8]) -> String? {
            do {
                let npz = try NPZArchive(bytes: bytes, file: "a.npz")
                for name in npz.names { _ = try npz.array(name) }
                return nil
            } catch let e as WeightImportError { return e.message } catch { return "other" }
        }
        #expect(error(archive) == nil)
        #expect(error(Array(archive.prefix(archive.count / 2)))?.isEmpty == false)       // truncated
        // Corrupt one byte of the first member's deflate stream: CRC or inflate must catch it.
        var corrupt = archive; corrupt[100] ^= 0xFF
        #expect(error(corrupt) != nil)
        #expect(error(Array("PK not really".utf8))?.contains("zip") == true)
    }
}
