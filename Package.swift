// swift-tools-version:6.0
import PackageDescription
import Foundation

/// AVX2 for the SIMD<Double> kernels (simulators, the fit's Monte Carlo, LinearAlgebra's
/// lane-parallel small SVDs), only where the building CPU has every instruction set
/// `-target-cpu haswell` assumes (these machines and CI are AMD EPYC with them): elsewhere (ARM,
/// older x86) the baseline build runs. Swift does not contract a·b + c to FMA, and explicit
/// fused multiply-adds (`addingProduct`) round alike with or without it (without, they are
/// library calls), so results are bit-identical either way.
let haswellSettings: [SwiftSetting] = {
    let haswell = ["avx2", "fma", "bmi1", "bmi2", "movbe", "f16c", "lzcnt"]
    guard let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpu.split(separator: "\n").first(where: { $0.hasPrefix("flags") }).map({ Set($0.split(separator: " ").map(String.init)) }),
          haswell.allSatisfy({ flags.contains($0) || ($0 == "lzcnt" && flags.contains("abm")) }) else { return [] }
    return [.unsafeFlags(["-target-cpu", "haswell"])]
}()

/// The pipeline stages (simulate → snapshot → diagonalise → unfold → fit) live in library
/// modules cut by dependency: only `HDF5` and `LinearAlgebra` import C; physics and statistics
/// modules build and test without it; the CLI imports the pipeline and ArgumentParser only.
let package = Package(
    name: "dyson",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dyson", targets: ["dyson"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLAPACK", providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "HDF5", dependencies: ["CHDF5"], exclude: ["README.md"]),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACK"], exclude: ["README.md"], swiftSettings: haswellSettings),
        .target(name: "Simulation", dependencies: [.product(name: "Numerics", package: "swift-numerics")], exclude: ["README.md"],
                swiftSettings: haswellSettings),
        .target(name: "Fitting", dependencies: [.product(name: "Numerics", package: "swift-numerics")], exclude: ["README.md"],
                swiftSettings: haswellSettings),
        .target(name: "LanguageModel", dependencies: ["LinearAlgebra", "Simulation"], exclude: ["README.md"]),
        .target(name: "WeightImport", dependencies: ["CZlib"], exclude: ["README.md"]),
        .target(name: "Spectra", dependencies: ["LinearAlgebra", "Fitting"], exclude: ["README.md"]),
        .target(name: "Pipeline", dependencies: [
            "HDF5", "LinearAlgebra", "Simulation", "LanguageModel", "Spectra", "Fitting", "WeightImport",
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "dyson", dependencies: [
            "Pipeline", "LinearAlgebra", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "DiagonaliseBenchmark", dependencies: ["LinearAlgebra", "WeightImport"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "LinearAlgebra"]),
        .testTarget(name: "LanguageModelTests", dependencies: ["LanguageModel", "LinearAlgebra", "Simulation", "Fitting"]),
        .testTarget(name: "SpectraTests", dependencies: ["Spectra", "LinearAlgebra", "Fitting"]),
        .testTarget(name: "FittingTests", dependencies: ["Fitting", "LinearAlgebra"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "HDF5", "Spectra"]),
        .testTarget(name: "WeightImportTests", dependencies: ["WeightImport"]),
        .testTarget(name: "CLITests", dependencies: ["Pipeline", "HDF5"]),
    ]
)
