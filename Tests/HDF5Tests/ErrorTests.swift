import CHDF5
import Foundation
import Testing

@testable import HDF5

/// Every failure is one `HDF5Error` line naming the file, the object and the reason; the
/// expected lines are pinned in full so that a change in wording is a visible decision.
@Suite struct ErrorTests {
    @Test func openingAMissingFileSaysSo() throws {
        try withTemporaryFile("missing") { path in
            let error = try #require(throws: HDF5Error.self) { _ = try File.open(path) }
            #expect(error.description == "\(path): H5Fopen failed: no such file")
        }
    }

    @Test func creatingAFileInAMissingDirectoryNamesTheErrno() throws {
        let path = "/nonexistent-dyson-directory/run.h5"
        let error = try #require(throws: HDF5Error.self) { _ = try File.create(path) }
        #expect(error.description.hasPrefix("\(path): H5Fcreate failed: unable to create file ("))
        #expect(error.description.contains("No such file or directory"))
        #expect(!error.description.contains("\n"))
    }

    @Test func openingATextFileSaysItIsNotHDF5() throws {
        try withTemporaryFile("text", extension: "txt") { path in
            try "energy,count\n1.0,3\n".write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: HDF5Error.self) { _ = try File.open(path) }
            #expect(error.description == "\(path): H5Fopen failed: unable to open file (file signature not found)")
        }
    }

    @Test func openingAMissingDatasetNamesItsPath() throws {
        try withTemporaryFile("missing-dataset") { path in
            let file = try File.create(path)
            let weights = try file.root().createGroup("weights")
            let error = try #require(throws: HDF5Error.self) { _ = try weights.openDataset("student") }
            #expect(error == HDF5Error(
                function: "H5Dopen2", path: path, object: "/weights/student",
                message: "unable to open dataset (object 'student' doesn't exist)"))
            #expect(error.description
                    == "\(path):/weights/student: H5Dopen2 failed: unable to open dataset (object 'student' doesn't exist)")
            let deeper = try #require(throws: HDF5Error.self) { try file.root().read("missing/x", as: Double.self) }
            #expect(deeper.description == "\(path):/missing/x: H5Dopen2 failed: unable to open dataset (component not found)")
        }
    }

    @Test func readingStringsAsNumbersAndNumbersAsStringsThrows() throws {
        try withTemporaryFile("type-mismatch") { path in
            let file = try File.create(path)
            let root = try file.root()
            try root.writeStrings("names", ["a", "b"])
            try root.write("energies", [1.0, 2.0])
            try root.setAttribute("units", "eV")
            let asDouble = try #require(throws: HDF5Error.self) { try root.read("names", as: Double.self) }
            #expect(asDouble.description == "\(path):/names: Dataset.read failed: dataset is a string, expected float64")
            let asStrings = try #require(throws: HDF5Error.self) { try root.readStrings("energies") }
            #expect(asStrings.description == "\(path):/energies: Dataset.readStrings failed: dataset is float64, expected a string")
            let attribute = try #require(throws: HDF5Error.self) { try root.attribute("units", as: Int64.self) }
            #expect(attribute.description
                    == "\(path):/ (attribute 'units'): attributeArray failed: attribute is a string, expected int64")
            let missing = try #require(throws: HDF5Error.self) { try root.attribute("nope", as: String.self) }
            #expect(missing.description
                    == "\(path):/ (attribute 'nope'): H5Aopen failed: unable to open attribute: 'nope' (can't locate attribute: 'nope')")
        }
    }

    @Test func writingThroughAReadOnlyFileThrows() throws {
        try withTemporaryFile("read-only") { path in
            try File.create(path).close()
            let error = try #require(throws: HDF5Error.self) { try File.open(path).root().write("x", [1.0]) }
            #expect(error.function == "H5Dcreate2")
            #expect(error.description.hasPrefix("\(path):/x: H5Dcreate2 failed: "))
        }
    }

    @Test func automaticPrintingIsOffAndTheStackIsClearedAfterAnError() throws {
        try withTemporaryFile("silent") { path in
            let file = try File.create(path)
            #expect(throws: HDF5Error.self) { _ = try file.root().openDataset("missing") }
            LibraryLock.run {
                var printer: H5E_auto2_t?
                var data: UnsafeMutableRawPointer?
                #expect(H5Eget_auto2(chdf5_error_default(), &printer, &data) >= 0)
                #expect(printer == nil)
                #expect(H5Eget_num(chdf5_error_default()) == 0)
            }
        }
    }
}
