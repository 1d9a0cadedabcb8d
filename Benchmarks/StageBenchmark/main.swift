// Micro-benchmarks behind `make bench`: the per-stage cost of one image (decode, FFT with
// log magnitude, ring average with resampling), the extra cost of an image of a size not seen
// before, loading a model file and scoring one profile with it, and the training time of each
// classifier.
// Not a test: it prints timings. Usage:
//   specdet-stage-benchmark stages FILE [REPEATS]
//   specdet-stage-benchmark model MODEL IMAGE [REPEATS]
//   specdet-stage-benchmark train N BINS
import Foundation
import SpecdetClassify
import SpecdetImage
import SpecdetProfile
import SpecdetSpectrum
import SpecdetSupport

/// CPU time of this thread spent in `body`: unlike wall time, it does not count the time
/// other processes hold the core, so the numbers hold on a busy machine.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
    let start = now()
    try body()
    return now() - start
}

/// The median of `repeats` timings of `body`, after one warm-up call.
func median(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<repeats { times.append(try seconds(body)) }
    return times.sorted()[times.count / 2]
}

func stages(path: String, repeats: Int) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let bytes = [UInt8](data)
    var image = try ImageDecoder.decode(data: bytes)
    let decode = try median(repeats) { image = try ImageDecoder.decode(data: bytes) }
    let shape = ImageShape(width: image.width, height: image.height)
    let workspace = SpectrumWorkspace()
    let fft = try median(repeats) { () throws(SpecdetError) in
        try image.pixels.withUnsafeBufferPointer { pixels throws(SpecdetError) in
            try workspace.forEachLogMagnitudeRow(of: pixels, shape: shape) { _, _ in }
        }
    }
    let extractor = ProfileExtractor(configuration: ProfileConfiguration())
    let profile = try median(repeats) { _ = try extractor.profile(of: image) }
    // Centre crops one pixel narrower and shorter each time: every one a new width and a new
    // height, so a new ring table and new FFT plans (rows and columns) each time.
    var setUps: [Double] = []
    for shrink in 1...repeats {
        guard let crop = image.centreCropped(width: image.width - shrink, height: image.height - shrink) else { break }
        let first = try seconds { _ = try extractor.profile(of: crop) }
        let again = try seconds { _ = try extractor.profile(of: crop) }
        setUps.append(first - again)
    }
    let ms = { (value: Double) in String(format: "%.2f", value * 1000) }
    print("image \(shape) \(path)")
    print("decode_ms \(ms(decode))")
    print("fft_log_ms \(ms(fft))")
    print("rings_resample_ms \(ms(profile - fft))")
    print("floor_ms \(ms(decode + profile))")
    print("new_size_ms \(ms(setUps.sorted()[setUps.count / 2]))")
}

/// Loading a model file (read, decode, validate) and scoring the profile of one image with it.
func model(path: String, image imagePath: String, repeats: Int) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var model = try DetectorModel.load(from: data)
    let load = try median(repeats) { model = try DetectorModel.load(from: data) }
    let image = try ImageDecoder.decode(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: imagePath))))
    let extractor = ProfileExtractor(configuration: model.feature)
    let features = try extractor.profile(of: image)
    let profile = try median(repeats) { _ = try extractor.profile(of: image) }
    let assess = try median(repeats) { _ = try model.assess(features) }
    let ms = { (value: Double) in String(format: "%.3f", value * 1000) }
    print("model \(path) (\(data.count) bytes), image \(image.width)x\(image.height) \(imagePath)")
    print("load_ms \(ms(load))")
    print("profile_ms \(ms(profile))")
    print("assess_ms \(ms(assess))")
}

func train(count: Int, bins: Int) throws {
    var generator = SplitMix64(seed: 1)
    func uniform() -> Float { Float(generator.next() >> 40) / Float(1 << 24) }
    var features: [[Float]] = [], labels: [Int] = []
    for index in 0..<count {
        let label = index % 2
        features.append((0..<bins).map { bin in
            1 - Float(bin) / Float(bins) * (label == 1 ? 0.48 : 0.5) + 0.05 * (uniform() - 0.5)
        })
        labels.append(label)
    }
    for kind in [ClassifierKind.logistic, .svm] {
        let trainer = Trainer(feature: ProfileConfiguration(bins: bins),
                              options: TrainingOptions(classifier: kind, standardize: true))
        let time = try seconds { _ = try trainer.train(features: features, labels: labels) }
        print("train_\(kind.rawValue)_s \(String(format: "%.2f", time)) (\(count) x \(bins))")
    }
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "stages" where arguments.count >= 3:
    try stages(path: arguments[2], repeats: arguments.count > 3 ? Int(arguments[3])! : 30)
case "model" where arguments.count >= 4:
    try model(path: arguments[2], image: arguments[3], repeats: arguments.count > 4 ? Int(arguments[4])! : 30)
case "train" where arguments.count >= 4:
    try train(count: Int(arguments[2])!, bins: Int(arguments[3])!)
default:
    FileHandle.standardError.write(Data("usage: specdet-stage-benchmark stages FILE [REPEATS] | model MODEL IMAGE [REPEATS] | train N BINS\n".utf8))
    exit(2)
}
