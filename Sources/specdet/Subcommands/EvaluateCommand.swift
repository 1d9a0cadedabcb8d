import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetSupport

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on labelled real and fake images.",
        discussion: """
            Reports accuracy, balanced accuracy, ROC AUC, average precision and the confusion \
            matrix at the model's threshold (over every input, in the model's domain or not), \
            the threshold that keeps the false-positive rate (reals called fake) at or below \
            --target-fpr, and how many reals and fakes lie outside the model's domain (score \
            labels those unknown). Inputs that fail are reported and left out.

            Example:
              specdet evaluate --model model.json --real photos/ --fake generated/ --format json
            """
    )

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var inputs: LabelledInputOptions

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    @Option(name: .customLong("target-fpr"), parsing: .unconditional, help: "False-positive rate for which to report a threshold.")
    var targetFPR = 0.01

    @OptionGroup var output: OutputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard (0...1).contains(targetFPR) else { throw ValidationError("--target-fpr must be between 0 and 1") }
    }

    func run() throws {
        try OutputGuard.refuse(reading: [modelOptions.model], writing: [output.output])
        let model = try modelOptions.load(quiet: runOptions.quiet)
        let labelled = try LabelledInputs(real: inputs.real, fake: inputs.fake, configuration: model.feature,
                                          protecting: [output.output].compactMap { $0 == "-" ? nil : $0.flatMap(FileIdentity.init(path:)) })
        let imageRun = ImageRun(configuration: model.feature, options: runOptions)
        let data = try labelled.profile(with: imageRun)
        let scores = try model.probabilitiesFake(data.features, threads: runOptions.workerCount)
        let outside = try data.features.indices.filter { index in
            try !model.isInDomain(data.features[index], width: data.sizes[index]?.width, height: data.sizes[index]?.height)
        }.map { data.labels[$0] }
        let scored = try ScoredSamples(labels: data.labels, scores: scores)
        for (count, name) in [(data.realCount, "real"), (data.fakeCount, "fake")] where count == 0 {
            StandardError.write("specdet: warning: no \(name) image was scored: accuracy, balanced accuracy and average "
                                + "precision are over the other set alone, and the ROC AUC needs both\n")
        }
        let counts = scored.confusion(threshold: model.threshold)
        let fprThreshold = scored.threshold(forTargetFPR: targetFPR)
        let atTarget = fprThreshold.map { scored.confusion(threshold: $0) }
        let metrics: [(String, String)] = [
            ("accuracy", JSON.number(counts.accuracy)),
            ("balanced_accuracy", JSON.number(counts.balancedAccuracy)),
            ("roc_auc", JSON.number(scored.rocAUC)),
            ("average_precision", JSON.number(scored.averagePrecision)),
            ("n_real", String(data.realCount)), ("n_fake", String(data.fakeCount)),
            ("tp", String(counts.truePositives)), ("fp", String(counts.falsePositives)),
            ("tn", String(counts.trueNegatives)), ("fn", String(counts.falseNegatives)),
            ("threshold", JSON.number(model.threshold)),
            ("target_fpr", JSON.number(targetFPR)),
            ("threshold_at_target_fpr", JSON.number(fprThreshold)),
            ("tpr_at_target_fpr", JSON.number(atTarget?.truePositiveRate)),
            ("out_of_domain_real", String(outside.filter { $0 == 0 }.count)),
            ("out_of_domain_fake", String(outside.filter { $0 == 1 }.count)),
            ("failed", String(imageRun.diagnostics.failed)),
        ]
        let text = format == .json ? JSON.object(metrics) + "\n"
            : metrics.map { "\($0.0.padding(24)) \($0.1)" }.joined(separator: "\n") + "\n"
        try OutputSink.writing(to: output.output) { try $0.write(text) }
        try imageRun.diagnostics.finish()
    }
}
