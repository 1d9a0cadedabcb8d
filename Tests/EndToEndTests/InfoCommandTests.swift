import Foundation
import Testing

@Suite struct InfoCommandTests {
    /// The built-in model is the committed model file, byte for byte in what it says: the
    /// build embedded the current file (its dependency is one no build tool tracks).
    @Test func builtInModelIsTheCommittedFile() throws {
        let file = "Sources/_SpecdetDefaultModel/model/default-model.json"
        let builtIn = try Specdet.run(["info", "--format", "json"])
        let fromFile = try Specdet.run(["info", "--format", "json", file])
        #expect(builtIn.status == 0 && fromFile.status == 0, "\(builtIn.stderr) \(fromFile.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: builtIn.stdout) as? [String: Any])
        var b = try #require(try JSONSerialization.jsonObject(with: fromFile.stdout) as? [String: Any])
        #expect(a["model"] as? String == "built-in" && b["model"] as? String == file)
        b["model"] = "built-in"
        #expect(a as NSDictionary == b as NSDictionary)
        // One key per name: the training sources are an array, one string each.
        let sources = try #require(a["training_data"] as? [String])
        let text = try Specdet.run(["info"]).output
        #expect(sources.count == text.split(separator: "\n").filter { $0.hasPrefix("training_data ") }.count)
        #expect(sources.contains { $0.hasPrefix("real dev/dcgan64/real: ") })
    }

    /// The card of a model trained here states what the model file holds.
    @Test func cardStatesTheModelsFacts() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json")
        let train = try Specdet.run(["train", "--quiet", "--classifier", "logistic", "--augment", "none", "--folds", "3",
                                     "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake",
                                     "--features", "durall", "--bins", "80", "--output", model.path])
        #expect(train.status == 0, "\(train.stderr)")
        let run = try Specdet.run(["info", model.path])
        #expect(run.status == 0, "\(run.stderr)")
        // --model, as the other commands take it, says the same; both at once is refused.
        #expect(try Specdet.run(["info", "--model", model.path]).output == run.output)
        #expect(try Specdet.run(["info", model.path, "--model", model.path]).status == 2)
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        let threshold = try #require(saved["threshold"] as? Double)
        #expect(run.output.contains("logistic regression (C 1.0)"))
        #expect(run.output.contains("durall, 80 values per image"))
        // JSONSerialization may round the last digit differently from the model's own reader.
        let line = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("threshold ") })
        let printed = try #require(Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        #expect(abs(printed - threshold) <= 1e-15 && line.hasSuffix("(fake when P(fake) >= threshold)"))
        // In JSON the numbers a script reads are numbers.
        let card = try #require(try JSONSerialization.jsonObject(with: Specdet.run(["info", model.path, "--format", "json"]).stdout)
                                as? [String: Any])
        #expect(abs(try #require(card["threshold"] as? Double) - threshold) <= 1e-15)
        #expect(card["schema_version"] as? Int == saved["schema_version"] as? Int)
        #expect(run.output.contains("3 folds, not grouped"))
        #expect(run.output.contains("class_means       the per-bin mean and SD of each class's original training profiles"))
    }

    @Test func unreadableModelIsExitTwoWithItsName() throws {
        let run = try Specdet.run(["info", "no-such-model.json"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("'no-such-model.json'"), "\(run.stderr)")
    }
}

/// The domain a model records: images unlike every training image are `unknown`, never `real`
/// or `fake`, their probability still written; a blank image has no spectrum to speak of.
@Suite struct DomainTests {
    @Test func imagesUnlikeTheTrainingSetAreUnknown() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json")
        let train = try Specdet.run(["train", "--quiet", "--real", "Fixtures/images/dcgan64/real",
                                     "Fixtures/images/ae128_nearest/real", "--fake", "Fixtures/images/dcgan64/fake",
                                     "Fixtures/images/ae128_nearest/fake", "--folds", "3", "-o", model.path])
        #expect(train.status == 0, "\(train.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        let domain = try #require(json["domain"] as? [String: Any])
        #expect(domain["quantile"] as? Double == 0.995 && (domain["bound"] as? Double ?? 0) > 0)
        #expect((domain["support_vector_bound"] as? Double ?? 0) > 0, "an svm trained with folds bounds the distance to its support vectors")
        #expect(domain["largest_aspect_ratio"] as? Double == 2, "square training images: the bound every model has")
        // Copies downscaled to at most 0.4 of 64 px: the smallest images the model saw.
        let smallest = try #require(domain["smallest_side"] as? Int)
        #expect((20..<64).contains(smallest), "\(domain)")
        let card = try Specdet.run(["info", model.path])
        let supportVectorBound = String(format: "%.3f", domain["support_vector_bound"] as? Double ?? 0)
        #expect(card.output.contains("distance to the nearest support vector ≤ \(supportVectorBound)"), "\(card.output)")
        #expect(card.output.contains("aspect ratio (long side over short side) ≤ 2"), "\(card.output)")
        #expect(card.output.contains("short side ≥ \(smallest) px"), "\(card.output)")

        let run = try Specdet.run(["score", "--model", model.path, "--format", "jsonl", "Fixtures/outside",
                                   "Fixtures/images/dcgan64/real"])
        #expect(run.status == 1, "\(run.stderr)")  // the constant image fails
        let rows = try run.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        func row(_ name: String) throws -> [String: Any] {
            try #require(rows.first { ($0["path"] as? String)?.hasSuffix(name) == true })
        }
        #expect(try row("constant_gray_128.png")["status"] as? String == "degenerate_spectrum")
        for name in ["checkerboard_8px_128.png", "gradient_128.png", "noise_uniform_128.png", "mate_garden_nearest_x2.png",
                     "mate_garden_nearest_x4.png", "mate_wood_strip_1024x128.png", "plasma_kite_crop_20x20.png"] {
            let outside = try row(name)
            #expect(outside["in_domain"] as? Bool == false && outside["label"] as? String == "unknown", "\(name): \(outside)")
            #expect(outside["probability_fake"] is Double)
        }
        // Every label is unknown exactly when the profile is out of domain.
        for scored in rows where scored["status"] as? String == "ok" {
            #expect((scored["label"] as? String == "unknown") == (scored["in_domain"] as? Bool == false))
        }
        // Training images are within the domain they made.
        #expect(rows.filter { ($0["path"] as? String)?.contains("dcgan64/real") == true }.allSatisfy { $0["in_domain"] as? Bool == true })

        let evaluate = try Specdet.run(["evaluate", "--model", model.path, "--format", "json", "--real", "Fixtures/outside/gradient_128.png",
                                        "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake"])
        let metrics = try #require(try JSONSerialization.jsonObject(with: evaluate.stdout) as? [String: Any])
        #expect(metrics["out_of_domain_real"] as? Int == 1 && metrics["out_of_domain_fake"] as? Int == 0, "\(metrics)")
    }

    /// A model trained on 128² images without copies has seen nothing smaller: 64² images are
    /// out of its domain by their size, whatever their profile; 128² ones are judged by it.
    @Test func imagesSmallerThanEveryTrainingImageAreUnknown() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json")
        let train = try Specdet.run(["train", "--quiet", "--augment", "none", "--folds", "3", "--real", "Fixtures/images/ae128_nearest/real",
                                     "--fake", "Fixtures/images/ae128_nearest/fake", "-o", model.path])
        #expect(train.status == 0, "\(train.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        #expect((json["domain"] as? [String: Any])?["smallest_side"] as? Int == 128)
        let run = try Specdet.run(["score", "--model", model.path, "Fixtures/images/dcgan64", "Fixtures/images/ae128_nearest"])
        let rows = csvRows(run.output).dropFirst()
        let small = rows.filter { $0[0].contains("dcgan64") }, large = rows.filter { $0[0].contains("ae128_nearest") }
        #expect(small.count == 12 && small.allSatisfy { $0[3] == "unknown" && $0[6] == "false" }, "\(small)")
        #expect(large.count == 12 && large.allSatisfy { $0[6] == "true" }, "\(large)")
    }
}
