import Foundation
import Testing
@testable import WeightImport

/// Seeded mutation fuzzing of every parser: bit flips, random bytes, truncations, insertions,
/// deletions and length lies (boundary values written over 2-, 4- or 8-byte fields). Each
/// mutated input must either parse or throw `WeightImportError`; a trap or any other error
/// fails the test (a trap kills the test process). `DYSON_FUZZ_COUNT` sets the count per
/// format (default 100 000, the acceptance count).
@Suite(.serialized) struct FuzzTests {
    static let count = Int(ProcessInfo.processInfo.environment["DYSON_FUZZ_COUNT"] ?? "") ?? 100_000

    /// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a tiny seeded generator.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ base: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = base
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !b.isEmpty else { break }
            let at = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: b[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1: b[at] = UInt8.random(in: 0...255, using: &rng)
            case 2: b.removeSubrange(at...)
            case 3: b.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            case 4: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...16, using: &rng)))
            default:
                let width = [2, 4, 8].randomElement(using: &rng)!
                let lies: [UInt64] = [0, 1, 0x7F, 0xFF, 0xFFFF, 0xFFFF_FFFF, UInt64(Int64.max), UInt64.max, UInt64(base.count), UInt64(base.count + 1)]
                let v = lies.randomElement(using: &rng)!
                for k in 0..<width where at + k < b.count { b[at + k] = UInt8((v >> (8 * UInt64(k))) & 0xFF) }
            }
        }
        return b
    }

    /// Runs `parse` on `count` mutants of `base`; returns how many parsed successfully.
    static func fuzz(_ base: [UInt8], seed: UInt64, parse: ([UInt8]) throws -> Void) -> (accepted: Int, unexpected: [String]) {
        var rng = SplitMix64(state: seed)
        var accepted = 0
        var unexpected: [String] = []
        for _ in 0..<count {
            let input = mutate(base, &rng)
            do { try parse(input); accepted += 1 } catch is WeightImportError {} catch { unexpected.append("\(error)") }
        }
        return (accepted, unexpected)
    }

    let fixtures = try! #require(PythonFixtures.shared)

    @Test func npy() throws {
        let base = try fixtures.bytes("f4.npy")
        let result = Self.fuzz(base, seed: 1) { _ = try NPYReader.parse($0, file: "fuzz.npy") }
        #expect(result.unexpected.isEmpty)
        #expect(result.accepted < Self.count)  // mutants are noticed, not all waved through
    }

    @Test(arguments: ["stored.npz", "compressed.npz"])
    func npz(archive: String) throws {
        // A small two-member archive keeps each iteration short.
        let base = try fixtures.bytes("small-" + archive)
        let result = Self.fuzz(base, seed: 2) { bytes in
            let npz = try NPZArchive(bytes: bytes, file: "fuzz.npz")
            for name in npz.names { _ = try npz.array(name) }
        }
        #expect(result.unexpected.isEmpty)
        #expect(result.accepted < Self.count)
    }

    @Test func safetensors() throws {
        let base = try fixtures.bytes("small.safetensors")
        let result = Self.fuzz(base, seed: 3) { bytes in
            let reader = try SafetensorsReader(bytes: bytes, file: "fuzz.safetensors")
            for t in reader.tensors { _ = try reader.tensor(t.name).doubles() }
        }
        #expect(result.unexpected.isEmpty)
        #expect(result.accepted < Self.count)
    }
}
