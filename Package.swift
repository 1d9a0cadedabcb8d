// swift-tools-version: 6.1
import PackageDescription

// Dependencies run one way: support -> image -> spectrum -> profile -> classify -> CLI
// (docs/ARCHITECTURE.md). A target imports only what it lists, so SwiftPM enforces it.
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
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        // libheif's header only: the library is opened on the first HEIF or AVIF input (sd_heif.c).
        .systemLibrary(name: "CHEIF", providers: [.apt(["libheif-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CLinear", providers: [.apt(["liblinear-dev"])]),
        .systemLibrary(name: "CSVM", providers: [.apt(["libsvm-dev"])]),

        // C glue: owns every setjmp of the codecs; returns status codes and messages.
        .target(name: "_SpecdetCodecC", dependencies: ["CPNG", "CJPEG", "CWebP", "CHEIF", "CTIFF"]),
        // The built-in model's bytes, embedded by the assembler (no API beyond two functions).
        .target(name: "_SpecdetDefaultModel", exclude: ["model", "README.md"], cSettings: [.headerSearchPath("model")]),
        // Vector kernels (log magnitude, RBF kernel distances), one variant per instruction set.
        .target(name: "_SpecdetVectorC"),

        // What every layer may use, knowing nothing of images: the error shape, the ordered
        // parallel map, the seeded generator, hashing.
        .target(name: "SpecdetSupport"),
        .target(name: "SpecdetImage", dependencies: ["SpecdetSupport", "_SpecdetCodecC"]),
        .target(name: "SpecdetSpectrum", dependencies: ["SpecdetSupport", "CFFTW", "_SpecdetVectorC"]),
        .target(name: "SpecdetProfile", dependencies: ["SpecdetSupport", "SpecdetImage", "SpecdetSpectrum"]),
        .target(name: "SpecdetClassify", dependencies: ["SpecdetSupport", "SpecdetProfile", "CLinear", "CSVM", "_SpecdetVectorC"]),
        .executableTarget(
            name: "specdet",
            dependencies: [
                "SpecdetSupport", "SpecdetImage", "SpecdetProfile", "SpecdetClassify", "_SpecdetDefaultModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench`'s per-stage and training timings; not installed.
        .executableTarget(
            name: "specdet-stage-benchmark",
            dependencies: ["SpecdetSupport", "SpecdetImage", "SpecdetSpectrum", "SpecdetProfile", "SpecdetClassify"],
            path: "Benchmarks/StageBenchmark"
        ),

        .testTarget(name: "SpecdetSupportTests", dependencies: ["SpecdetSupport"]),
        .testTarget(name: "SpecdetImageTests", dependencies: ["SpecdetSupport", "SpecdetImage"]),
        .testTarget(name: "SpecdetSpectrumTests", dependencies: ["SpecdetSupport", "SpecdetSpectrum", "_SpecdetVectorC", "CFFTW"]),
        .testTarget(name: "SpecdetProfileTests", dependencies: ["SpecdetSupport", "SpecdetImage", "SpecdetSpectrum", "SpecdetProfile"]),
        .testTarget(name: "SpecdetClassifyTests", dependencies: ["SpecdetSupport", "SpecdetProfile", "SpecdetClassify", "_SpecdetVectorC"]),
        // The end-to-end tests run the binary; they decode the PNGs it writes with SpecdetImage.
        .testTarget(name: "EndToEndTests", dependencies: ["specdet", "SpecdetImage"], exclude: ["Snapshots"]),
    ]
)
