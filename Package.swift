// swift-tools-version: 6.1
import PackageDescription

// Dependencies run one way: decode -> spectrum -> profile -> classify -> CLI.
let package = Package(
    name: "specdet",
    products: [
        .executable(name: "specdet", targets: ["specdet"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CLinear", providers: [.apt(["liblinear-dev"])]),
        .systemLibrary(name: "CSVM", providers: [.apt(["libsvm-dev"])]),

        // C glue: owns every setjmp of libpng/libjpeg; returns status codes and messages.
        .target(name: "_SpecdetDecodeC", dependencies: ["CPNG", "CJPEG"]),

        .target(name: "SpecdetDecode", dependencies: ["_SpecdetDecodeC"]),
        .target(name: "SpecdetSpectrum", dependencies: ["CFFTW"]),
        .target(name: "SpecdetProfile", dependencies: ["SpecdetDecode", "SpecdetSpectrum"]),
        .target(name: "SpecdetClassify", dependencies: ["SpecdetProfile", "CLinear", "CSVM"]),
        .executableTarget(
            name: "specdet",
            dependencies: [
                "SpecdetDecode", "SpecdetProfile", "SpecdetClassify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Resources/default-model.json"]
        ),
        // `make bench`'s per-stage and training timings; not installed.
        .executableTarget(
            name: "specdet-stage-benchmark",
            dependencies: ["SpecdetDecode", "SpecdetSpectrum", "SpecdetProfile", "SpecdetClassify"],
            path: "Benchmarks/StageBenchmark"
        ),

        .testTarget(name: "SpecdetDecodeTests", dependencies: ["SpecdetDecode"]),
        .testTarget(name: "SpecdetSpectrumTests", dependencies: ["SpecdetSpectrum"]),
        .testTarget(name: "SpecdetProfileTests", dependencies: ["SpecdetProfile"]),
        .testTarget(name: "SpecdetClassifyTests", dependencies: ["SpecdetClassify"]),
        .testTarget(name: "EndToEndTests", dependencies: ["specdet"]),
    ]
)
