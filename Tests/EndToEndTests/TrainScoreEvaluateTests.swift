import Foundation
import Testing

/// Trains once on the fixtures and shares the model between tests.
private let trainedModel: (url: URL, stdout: String) = {
    let folder = try! Specdet.temporaryFolder()
    let model = folder.appendingPathComponent("model.json")
    let run = try! Specdet.run(["train", "--quiet", "--real", "Fixtures/images/ae128_convtranspose/real", "Fixtures/images/dcgan64/real",
                                "--fake", "Fixtures/images/ae128_convtranspose/fake", "Fixtures/images/dcgan64/fake",
                                "--groups", "Fixtures/images/groups.csv", "--output", model.path])
    precondition(run.status == 0, run.stderr)
    return (model, run.output)
}()

@Suite struct TrainScoreEvaluateTests {
    /// The summary on stderr counts the verdicts the rows give, by label.
    @Test func scoreSummaryCountsTheVerdictsOfItsRows() throws {
        let run = try Specdet.run(["score", "--model", trainedModel.url.path, "Fixtures/images/jpeg", "Fixtures/images/dcgan64",
                                   "Fixtures/outside"])
        let rows = csvRows(run.output).dropFirst()
        var counts: [String: Int] = [:]
        for row in rows where !row[3].isEmpty { counts[row[3], default: 0] += 1 }
        let failed = rows.filter { $0[1] != "ok" }.count
        let verdicts = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        #expect(counts.count >= 2, "\(counts)")
        #expect(run.stderr.hasSuffix("\(rows.count) files: \(rows.count - failed) ok, \(failed) failed: \(verdicts)\n"), "\(run.stderr)")
    }

    /// Groups that put every fake image in one fold leave the model of the other folds without
    /// fakes: the error says so, not that the fakes are missing.
    @Test func groupsThatLeaveAFoldWithoutAClassAreNamedAsTheCause() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = "Fixtures/images/dcgan64/real", fake = "Fixtures/images/dcgan64/fake"
        var groups = "path,group\n"
        for (name, subfolder) in [("real", real), ("fake", fake)] {
            for (index, file) in try FileManager.default.contentsOfDirectory(atPath: subfolder).sorted().enumerated() {
                groups += "\(subfolder)/\(file),\(name == "fake" ? "all-fakes" : "photo-\(index)")\n"
            }
        }
        let groupsFile = folder.appendingPathComponent("groups.csv")
        try groups.write(to: groupsFile, atomically: true, encoding: .utf8)
        let run = try Specdet.run(["train", "--quiet", "--augment", "none", "--folds", "3", "--real", real, "--fake", fake,
                                   "--groups", groupsFile.path, "--output", folder.appendingPathComponent("m.json").path])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("every fake image falls in cross-validation fold"), "\(run.stderr)")
        #expect(run.stderr.contains("need more groups"), "\(run.stderr)")
    }

    @Test func trainReportsCrossValidationAndWritesAModel() throws {
        #expect(trainedModel.stdout.contains("cross-validation: 5 folds, grouped"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: trainedModel.url)) as! [String: Any]
        #expect(json["format"] as? String == "specdet-model")
        #expect(json["schema_version"] as? Int == 2)
        let feature = json["feature"] as! [String: Any]
        #expect(feature["bins"] as? Int == 300 && feature["features"] as? String == "sectors")
        let training = json["training"] as! [String: Any]
        // 12 images of each class, each with its 2 augmented copies in each of 3 rounds (the default).
        #expect(training["n_real"] as? Int == 84 && training["n_fake"] as? Int == 84)
        let augmentation = training["augmentation"] as? String ?? ""
        #expect(augmentation.hasPrefix("jpeg q60-95 + resize x0.4-0.9") && augmentation.contains("in each of 3 rounds"))
        #expect((training["solver"] as? String)?.contains("the mean of 3 such classifiers") == true)
        #expect(trainedModel.stdout.contains("and 144 augmented copies (3 rounds: one classifier each, averaged)"))
        let cv = training["cross_validation"] as! [String: Any]
        #expect((cv["folds"] as! [Any]).count == 5)
    }

    @Test func scoreWritesOneRowPerInputAndIsRepeatable() throws {
        let args = ["score", "--quiet", "--model", trainedModel.url.path, "Fixtures/images/ae128_nearest"]
        let first = try Specdet.run(args), second = try Specdet.run(args)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let rows = csvRows(first.output)
        #expect(rows[0] == ["path", "status", "probability_fake", "label", "width", "height", "in_domain"])
        #expect(rows.count == 13)
        let model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: trainedModel.url)) as? [String: Any])
        let threshold = try #require(model["threshold"] as? Double)
        for row in rows.dropFirst() {
            let p = try #require(Double(row[2]))
            #expect((0...1).contains(p))
            #expect(row[3] == (p >= threshold ? "fake" : "real"))
            #expect(row[4] == "128" && row[5] == "128")
        }
    }

    @Test func thresholdOverridesTheModelsLabelsOnly() throws {
        let base = try Specdet.run(["score", "--quiet", "--model", trainedModel.url.path, "Fixtures/images/odd"])
        let strict = try Specdet.run(["score", "--quiet", "--model", trainedModel.url.path, "--threshold", "1", "Fixtures/images/odd"])
        let baseRows = csvRows(base.output).dropFirst(), strictRows = csvRows(strict.output).dropFirst()
        #expect(baseRows.map { $0[2] } == strictRows.map { $0[2] })
        #expect(strictRows.allSatisfy { $0[3] == "real" || $0[2] == "1.0" })
    }

    @Test func aCorruptImageIsScoredAsAnErrorRowAndTheRestAreScored() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Specdet.fixtures.appendingPathComponent("images/odd"), to: folder.appendingPathComponent("odd"))
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("odd/zz.png"))
        let run = try Specdet.run(["score", "--model", trainedModel.url.path, folder.appendingPathComponent("odd").path])
        #expect(run.status == 1)
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.map { $0[1] } == ["ok", "ok", "unknown_format"])
        #expect(rows.last.map { $0[2] + $0[3] } == "")
        #expect(run.stderr.contains("zz.png: unknown_format"))
    }

    @Test func scoreTableIsAligned() throws {
        let run = try Specdet.run(["score", "--quiet", "--format", "table", "--model", trainedModel.url.path, "Fixtures/images/odd"])
        #expect(run.status == 0)
        let lines = run.lines
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("path"))
        let statusColumn = lines[0].range(of: "status")!.lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            #expect(line.dropFirst(statusColumn).hasPrefix("ok"))
        }
    }

    @Test func evaluateReportsTheContractedKeys() throws {
        let run = try Specdet.run(["evaluate", "--quiet", "--model", trainedModel.url.path, "--format", "json",
                                   "--real", "Fixtures/images/ae128_nearest/real", "--fake", "Fixtures/images/ae128_nearest/fake"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: run.stdout) as! [String: Any]
        for key in ["accuracy", "balanced_accuracy", "roc_auc", "average_precision", "n_real", "n_fake", "tp", "fp", "tn", "fn", "threshold"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["n_real"] as? Int == 6 && json["n_fake"] as? Int == 6)
        let tp = json["tp"] as! Int, fp = json["fp"] as! Int, tn = json["tn"] as! Int, fn = json["fn"] as! Int
        #expect(tp + fn == 6 && tn + fp == 6)
        #expect(abs((json["accuracy"] as! Double) - Double(tp + tn) / 12) < 1e-12)
    }

    /// A mistyped folder leaves one set empty: its row fails and a warning says what the
    /// numbers then cover.
    @Test func evaluateWarnsWhenASetHasNoScoredImage() throws {
        let run = try Specdet.run(["evaluate", "--model", trainedModel.url.path, "--real", "Fixtures/images/no-such-folder",
                                   "--fake", "Fixtures/images/ae128_nearest/fake"])
        #expect(run.status == 1 && run.stderr.contains("no-such-folder: not_found"), "\(run.stderr)")
        #expect(run.stderr.contains("warning: no real image was scored"), "\(run.stderr)")
    }

    @Test func trainAcceptsProfileCSVsAndGivesTheSameModel() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.csv"), fake = folder.appendingPathComponent("fake.csv")
        #expect(try Specdet.run(["profile", "--quiet", "Fixtures/images/ae128_convtranspose/real", "Fixtures/images/dcgan64/real", "-o", real.path]).status == 0)
        #expect(try Specdet.run(["profile", "--quiet", "Fixtures/images/ae128_convtranspose/fake", "Fixtures/images/dcgan64/fake", "-o", fake.path]).status == 0)
        let model = folder.appendingPathComponent("m.json")
        // Profiles read from CSV are never augmented, so neither are the images here.
        let run = try Specdet.run(["train", "--quiet", "--augment", "none", "--real", real.path, "--fake", fake.path,
                                   "--groups", "Fixtures/images/groups.csv", "--output", model.path], environment: ["SOURCE_DATE_EPOCH": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let fromImages = folder.appendingPathComponent("i.json")
        #expect(try Specdet.run(["train", "--quiet", "--augment", "none", "--real", "Fixtures/images/ae128_convtranspose/real", "Fixtures/images/dcgan64/real",
                                 "--fake", "Fixtures/images/ae128_convtranspose/fake", "Fixtures/images/dcgan64/fake",
                                 "--groups", "Fixtures/images/groups.csv", "--output", fromImages.path],
                                environment: ["SOURCE_DATE_EPOCH": "0"]).status == 0)
        // The same model, but for the record of what it was trained on (CSV files, not folders).
        func withoutSources(_ url: URL) throws -> NSDictionary {
            var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            var training = try #require(json["training"] as? [String: Any])
            #expect([2, 4].contains((training["data"] as? [[String: Any]])?.count))
            training["data"] = nil
            json["training"] = training
            return json as NSDictionary
        }
        #expect(try withoutSources(model) == withoutSources(fromImages))
        // With the default augmentation the CSV profiles get no copies: a warning, and the same
        // model, whose record names no augmentation.
        let defaults = folder.appendingPathComponent("d.json")
        let warned = try Specdet.run(["train", "--quiet", "--real", real.path, "--fake", fake.path,
                                      "--groups", "Fixtures/images/groups.csv", "--output", defaults.path],
                                     environment: ["SOURCE_DATE_EPOCH": "0"])
        #expect(warned.status == 0 && warned.stderr.contains("without augmented copies"), "\(warned.stderr)")
        #expect(try Data(contentsOf: defaults) == Data(contentsOf: model))
    }

    /// A profile CSV names its feature set in its columns; train refuses one of another set.
    @Test func profilesOfAnotherFeatureSetAreRefused() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let durall = folder.appendingPathComponent("durall.csv")
        #expect(try Specdet.run(["profile", "--quiet", "--features", "durall", "Fixtures/images/dcgan64", "-o", durall.path]).status == 0)
        let run = try Specdet.run(["train", "--quiet", "--real", durall.path, "--fake", durall.path, "-o", folder.appendingPathComponent("m.json").path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("holds durall profiles") && run.stderr.contains("sectors profiles of 300 are wanted"), "\(run.stderr)")
    }

    /// --standardize with the published γ trains a kernel that is 0 between distinct profiles:
    /// train warns, and indeed every unseen image gets the same score (the bias alone).
    @Test func standardizingWithThePublishedGammaWarns() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json")
        let data = ["--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake", "--augment", "none", "--folds", "0"]
        var run = try Specdet.run(["train", "--quiet", "--standardize", "-o", model.path] + data)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: --standardize keeps the published gamma 0.86"), "\(run.stderr)")
        let scores = try Specdet.run(["score", "--quiet", "--model", model.path, "--format", "csv", "Fixtures/images/ae128_convtranspose"])
        let probabilities = Set(csvRows(scores.output).dropFirst().map { $0[2] })
        #expect(scores.status == 0 && probabilities.count == 1, "\(probabilities)")

        run = try Specdet.run(["train", "--quiet", "--standardize", "--gamma", "0.0033", "-o", model.path] + data)
        #expect(run.status == 0 && !run.stderr.contains("warning"), "\(run.stderr)")
    }

    /// Augmentation options that no copies make moot are named in a warning; the run goes on.
    @Test func augmentationOptionsWithoutCopiesAreNamedInAWarning() throws {
        let data = ["train", "--quiet", "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake",
                    "--folds", "0", "-o", "/dev/stdout"]
        let moot = try Specdet.run(data + ["--augment", "none", "--augment-rounds", "2", "--augment-scales", "0.5-0.9"])
        #expect(moot.status == 0)
        #expect(moot.stderr.contains("warning: --augment-rounds, --augment-scales have no effect without augmented copies"), "\(moot.stderr)")
        let zero = try Specdet.run(data + ["--augment-copies", "0", "--augment-qualities", "70-95"])
        #expect(zero.stderr.contains("warning: --augment-qualities has no effect"), "\(zero.stderr)")
        let plain = try Specdet.run(data + ["--augment", "none"])
        #expect(plain.status == 0 && !plain.stderr.contains("no effect"), "\(plain.stderr)")
    }

    @Test(arguments: [["--augment-scales", "0.9-0.5"], ["--augment-scales", "0-0.5"], ["--augment-qualities", "50-101"], ["--augment", "blur"], ["--augment-rounds", "0"]])
    func badAugmentationOptionsAreUsageErrors(options: [String]) throws {
        let run = try Specdet.run(["train", "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake", "-o", "/nonexistent/m.json"] + options)
        #expect(run.status == 2)
        #expect(run.stderr.contains(options[0]), "\(run.stderr)")
    }

    @Test(arguments: [
        ("schema", #""schema_version":2"#, #""schema_version":99"#, "schema"),
        ("format", #""format":"specdet-model""#, #""format":"other""#, "format"),
        ("bins", #""bins":300"#, #""bins":298"#, "300"),
    ])
    func handEditedModelsAreRefusedWithExitTwo(name: String, from: String, to: String, mention: String) throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOf: trainedModel.url, encoding: .utf8)
        #expect(text.contains(from))
        let edited = folder.appendingPathComponent("\(name).json")
        try text.replacingOccurrences(of: from, with: to).write(to: edited, atomically: true, encoding: .utf8)
        let run = try Specdet.run(["score", "--model", edited.path, "Fixtures/images/odd"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("model"))
        #expect(run.stderr.contains(mention), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func aTruncatedModelIsRefusedWithExitTwo() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Data(contentsOf: trainedModel.url)
        let truncated = folder.appendingPathComponent("t.json")
        try data.prefix(data.count / 2).write(to: truncated)
        let run = try Specdet.run(["evaluate", "--model", truncated.path, "--real", "Fixtures/images/odd", "--fake", "Fixtures/images/odd"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot use the model"))
    }

    /// The installed binary needs no file but itself: copy it to an empty folder and score from there.
    @Test func theBuiltInModelWorksFromAnEmptyFolder() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("specdet")
        try FileManager.default.copyItem(at: Specdet.binary, to: copy)
        let image = Specdet.fixtures.appendingPathComponent("images/jpeg/mate_garden_256x256_q90_baseline_color.jpg")
        let process = Process()
        process.executableURL = copy
        process.arguments = ["score", image.path]
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        #expect(errors.contains("using the built-in default model"))
        let rows = csvRows(output)
        #expect(rows.count == 2 && rows[1][1] == "ok" && Double(rows[1][2]) != nil)
    }

    @Test func augmentedTrainingIsDeterministicAndCopiesShareTheirSourcesFold() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The same images under other paths (another spelling, a link to the folder) draw the
        // same copies: the draws follow each image's content.
        let linked = folder.appendingPathComponent("fakes")
        try FileManager.default.createSymbolicLink(atPath: linked.path,
                                                   withDestinationPath: FileManager.default.currentDirectoryPath + "/Fixtures/images/ae128_nearest/fake")
        let spellings = [("a", "Fixtures/images/ae128_nearest/real", "Fixtures/images/ae128_nearest/fake"),
                         ("b", "Fixtures/images/ae128_nearest/real", "Fixtures/images/ae128_nearest/fake"),
                         ("c", "./Fixtures/images/../images/ae128_nearest/real", linked.path)]
        var models: [Data] = []
        for (name, real, fake) in spellings {
            let run = try Specdet.run(["train", "--quiet", "--augment", "jpeg,resize", "--augment-copies", "3",
                                       "--real", real, "--fake", fake,
                                       "--folds", "3", "--folds-out", folder.appendingPathComponent("\(name).csv").path,
                                       "--output", folder.appendingPathComponent("\(name).json").path],
                                      environment: ["SOURCE_DATE_EPOCH": "1700000000"])
            #expect(run.status == 0, "\(run.stderr)")
            models.append(try Data(contentsOf: folder.appendingPathComponent("\(name).json")))
        }
        #expect(models[0] == models[1])
        func withoutSources(_ model: Data) throws -> NSDictionary {
            var json = try #require(try JSONSerialization.jsonObject(with: model) as? [String: Any])
            var training = try #require(json["training"] as? [String: Any])
            training["data"] = nil
            json["training"] = training
            return json as NSDictionary
        }
        #expect(try withoutSources(models[2]) == withoutSources(models[0]), "only the record of the arguments differs")
        let rows = csvRows(try String(contentsOf: folder.appendingPathComponent("a.csv"), encoding: .utf8))
        #expect(rows[0] == ["path", "label", "fold", "copy", "p_fake_out_of_fold"])
        var foldOfPath: [String: Set<String>] = [:]
        for row in rows.dropFirst() { foldOfPath[row[0], default: []].insert(row[2]) }
        #expect(foldOfPath.count == 12)
        #expect(foldOfPath.values.allSatisfy { $0.count == 1 })
        #expect(rows.dropFirst().filter { $0[3] != "0" }.count == 12 * 3 * 3)  // 3 copies in each of 3 rounds
        let json = try JSONSerialization.jsonObject(with: models[0]) as! [String: Any]
        #expect(((json["training"] as! [String: Any])["augmentation"] as? String)?.contains("jpeg") == true)
    }
}

/// `--landmarks N`: an RBF SVM of at most N support vectors, recorded as such.
@Suite struct LandmarkTrainingTests {
    @Test func landmarksBoundTheModelAndAreRecorded() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json")
        let data = ["--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake", "--augment", "none"]
        let run = try Specdet.run(["train", "--quiet", "--landmarks", "8", "-o", model.path] + data)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        #expect((json["hyperparameters"] as? [String: Any])?["landmarks"] as? Int == 8)
        let info = try Specdet.run(["info", model.path])
        #expect(info.output.contains("8 support vectors, Nyström landmarks"), "\(info.output)")
        let scored = try Specdet.run(["score", "--model", model.path, "Fixtures/images/dcgan64"])
        #expect(scored.status == 0 && csvRows(scored.output).count == 13, "\(scored.stderr)")
        for bad in [["--classifier", "logistic"], ["--tune"], ["--landmarks", "0"]] {
            let refused = try Specdet.run(["train", "--landmarks", "8", "-o", model.path] + bad + data)
            #expect(refused.status == 2 && refused.stderr.contains("--landmarks"), "\(bad): \(refused.stderr)")
        }
    }
}

/// The threshold comes from out-of-fold scores, and the model says how.
@Suite struct OperatingPointEndToEndTests {
    @Test func thresholdIsChosenOnOutOfFoldScoresAndRecorded() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = ["--real", "Fixtures/images/dcgan64/real", "Fixtures/images/ae128_nearest/real",
                    "--fake", "Fixtures/images/dcgan64/fake", "Fixtures/images/ae128_nearest/fake", "--augment", "none", "--folds", "4"]
        let described = ["decision-sign": "(the classifier's boundary, decision value 0)",
                         "accuracy": "(highest out-of-fold accuracy)",
                         "target-fpr": "(out-of-fold false-positive rate at most 0.1)"]
        for (extra, rule) in [([String](), "decision-sign"), (["--threshold-rule", "accuracy"], "accuracy"),
                              (["--target-fpr", "0.1"], "target-fpr")] {
            let model = folder.appendingPathComponent("\(rule).json")
            let run = try Specdet.run(["train", "--quiet"] + data + extra + ["-o", model.path])
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
            let point = try #require(json["operating_point"] as? [String: Any])
            #expect(point["rule"] as? String == rule)
            let counts = try #require(point["out_of_fold"] as? [String: Any])
            let (tp, fp, tn, fn) = (counts["tp"] as! Int, counts["fp"] as! Int, counts["tn"] as! Int, counts["fn"] as! Int)
            #expect(tp + fp + tn + fn == 24)
            #expect(counts["threshold"] as? Double == json["threshold"] as? Double)
            if rule == "target-fpr" { #expect(Double(fp) / Double(fp + tn) <= 0.1) }
            let roc = try #require(point["roc"] as? [String: [Double]])
            #expect(roc["fpr"]?.count == roc["thresholds"]?.count && roc["tpr"]?.last == 1)
            #expect(run.output.contains(described[rule]!), "\(run.output)")
        }
        let withoutFolds = try Specdet.run(["train", "--target-fpr", "0.1", "--folds", "0", "-o", folder.appendingPathComponent("x.json").path] + data.dropLast(2))
        #expect(withoutFolds.status == 2 && withoutFolds.stderr.contains("--target-fpr"))
        let both = try Specdet.run(["train", "--target-fpr", "0.1", "--threshold-rule", "accuracy", "-o",
                                    folder.appendingPathComponent("y.json").path] + data)
        #expect(both.status == 2 && both.stderr.contains("--threshold-rule"))
        // The rule named with its target is the same rule.
        let named = try Specdet.run(["train", "--quiet", "--target-fpr", "0.1", "--threshold-rule", "target-fpr", "-o",
                                     folder.appendingPathComponent("z.json").path] + data)
        #expect(named.status == 0 && named.output.contains(described["target-fpr"]!), "\(named.stderr)")
        // Without folds there are no out-of-fold scores to choose from, nor folds to write.
        for options in [["--threshold-rule", "accuracy"], ["--folds-out", folder.appendingPathComponent("f.csv").path]] {
            let refused = try Specdet.run(["train", "-o", folder.appendingPathComponent("w.json").path] + data.dropLast(2)
                                          + ["--folds", "0"] + options)
            #expect(refused.status == 2 && refused.stderr.contains("give --folds 2 or more"), "\(options): \(refused.stderr)")
        }
    }

    /// --target-fpr-on narrows the reals a false-positive target counts to the inputs it names,
    /// and the model and the summary say which.
    @Test func targetCountsTheNamedRealsOnly() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let named = "Fixtures/images/ae128_nearest/real"
        let data = ["--real", "Fixtures/images/dcgan64/real", named, "--fake", "Fixtures/images/dcgan64/fake",
                    "Fixtures/images/ae128_nearest/fake", "--augment", "none", "--folds", "4", "--target-fpr", "0"]
        /// The model's threshold, its operating point, the summary, and the out-of-fold P(fake)
        /// of the real images whose path starts with `prefix` (from --folds-out).
        func threshold(_ extra: [String], _ name: String, realsUnder prefix: String) throws
            -> (Double, [String: Any], String, [Double]) {
            let model = folder.appendingPathComponent(name), folds = folder.appendingPathComponent(name + ".csv")
            let run = try Specdet.run(["train"] + data + extra + ["-o", model.path, "--folds-out", folds.path])
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
            let rows = csvRows(try String(contentsOf: folds, encoding: .utf8))
            #expect(rows.first == ["path", "label", "fold", "p_fake_out_of_fold"])
            let scores = try rows.dropFirst().filter { $0[0].hasPrefix(prefix) && $0[1] == "real" }.map { try #require(Double($0[3])) }
            return (try #require(json["threshold"] as? Double), try #require(json["operating_point"] as? [String: Any]), run.output, scores)
        }
        // Target 0: the threshold sits just above the highest out-of-fold P(fake) of the reals counted.
        let (all, allPoint, _, allReals) = try threshold([], "all.json", realsUnder: "Fixtures/images/")
        // Named once however often and however spelt, and recorded as --real spelt it.
        let (narrow, narrowPoint, summary, namedReals) = try threshold(["--target-fpr-on", named, "./\(named)/", named],
                                                                       "narrow.json", realsUnder: named)
        #expect(allReals.count == 12 && namedReals.count == 6)
        // JSON may round the threshold's last digit.
        let (highest, highestNamed) = (try #require(allReals.max()), try #require(namedReals.max()))
        #expect(abs(all - highest.nextUp) <= 1e-15, "\(all) \(allReals)")
        #expect(abs(narrow - highestNamed.nextUp) <= 1e-15, "\(narrow) \(namedReals)")
        #expect(narrowPoint["target_fpr_on"] as? [String] == [named] && allPoint["target_fpr_on"] == nil)
        #expect(summary.contains("at most 0.0 on the originals of \(named)"), "\(summary)")
        let info = try Specdet.run(["info", folder.appendingPathComponent("narrow.json").path])
        #expect(info.output.contains("on the originals of \(named)"), "\(info.output)")
        for (bad, complaint) in [(["--target-fpr-on", "Fixtures/images/dcgan64/fake"], "is not one of the --real inputs"),
                                 (["--target-fpr-on"], "--target-fpr-on")] {
            let refused = try Specdet.run(["train"] + data + bad + ["-o", folder.appendingPathComponent("x.json").path])
            #expect(refused.status == 2 && refused.stderr.contains(complaint), "\(bad): \(refused.stderr)")
        }
        let withoutTarget = try Specdet.run(["train"] + data.dropLast(2) + ["--target-fpr-on", named, "-o",
                                                                             folder.appendingPathComponent("y.json").path])
        #expect(withoutTarget.status == 2 && withoutTarget.stderr.contains("give --target-fpr F"), "\(withoutTarget.stderr)")
        // A named input with nothing to count is refused before any training, by name.
        let broken = folder.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0]).write(to: broken.appendingPathComponent("cut.png"))
        let empty = try Specdet.run(["train"] + data + ["--real", broken.path, "--target-fpr-on", broken.path, "-o",
                                                        folder.appendingPathComponent("z.json").path])
        #expect(empty.status == 2 && empty.stderr.contains("'\(broken.path)' has no image with a profile to count"), "\(empty.stderr)")
        // A model that claims to have counted no input is refused.
        var edited = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("narrow.json")))
                                  as? [String: Any])
        var point = narrowPoint
        point["target_fpr_on"] = [String]()
        edited["operating_point"] = point
        let invalid = folder.appendingPathComponent("invalid.json")
        try JSONSerialization.data(withJSONObject: edited).write(to: invalid)
        let refusedModel = try Specdet.run(["info", invalid.path])
        #expect(refusedModel.status != 0 && refusedModel.stderr.contains("target_fpr_on names the real inputs"), "\(refusedModel.stderr)")
        // Nor may a model under another rule claim to have counted some.
        point = allPoint
        point["target_fpr_on"] = [named]
        point["rule"] = "decision-sign"
        edited["operating_point"] = point
        try JSONSerialization.data(withJSONObject: edited).write(to: invalid)
        #expect(try Specdet.run(["info", invalid.path]).status != 0)
    }
}

/// A schema-1 model file (vectors as nested decimal arrays) still loads, and scores exactly as
/// the same model in schema 2 (packed float arrays).
@Suite struct SchemaOneTests {
    /// The packed array `{"dtype","shape","base64"}` as plain numbers.
    static func unpacked(_ packed: [String: Any]) throws -> [Double] {
        let text = try #require(packed["base64"] as? String)
        let bytes = try #require(Data(base64Encoded: text))
        if packed["dtype"] as? String == "float32" {
            return stride(from: 0, to: bytes.count, by: 4).map { offset in
                Double(Float(bitPattern: UInt32(littleEndian: bytes[offset..<offset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })))
            }
        }
        return stride(from: 0, to: bytes.count, by: 8).map { offset in
            Double(bitPattern: UInt64(littleEndian: bytes[offset..<offset + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
        }
    }

    @Test func aSchemaOneFileScoresAsItsSchemaTwoTwin() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let two = folder.appendingPathComponent("two.json"), one = folder.appendingPathComponent("one.json")
        let train = try Specdet.run(["train", "--quiet", "--augment", "none", "--folds", "0", "--real", "Fixtures/images/dcgan64/real",
                                     "--fake", "Fixtures/images/dcgan64/fake", "-o", two.path])
        #expect(train.status == 0, "\(train.stderr)")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: two)) as? [String: Any])
        var classifier = try #require(json["classifier"] as? [String: Any])
        let vectors = try #require(classifier["support_vectors"] as? [String: Any])
        let dimension = try #require((vectors["shape"] as? [Int])?.last)
        let flat = try Self.unpacked(vectors)
        classifier["support_vectors"] = stride(from: 0, to: flat.count, by: dimension).map { Array(flat[$0..<$0 + dimension]) }
        classifier["coefficients"] = try Self.unpacked(try #require(classifier["coefficients"] as? [String: Any]))
        json["classifier"] = classifier
        json["schema_version"] = 1
        for key in ["class_means", "domain", "operating_point"] { json.removeValue(forKey: key) }
        try JSONSerialization.data(withJSONObject: json).write(to: one)
        let scores = try [two, one].map { model in
            let run = try Specdet.run(["score", "--model", model.path, "Fixtures/images/dcgan64", "Fixtures/images/ae128_nearest"])
            #expect(run.status == 0, "\(run.stderr)")
            return csvRows(run.output).dropFirst().map { Array($0.prefix(3)) }
        }
        #expect(scores[0].count == 24 && scores[0] == scores[1], "\(zip(scores[0], scores[1]).filter { $0 != $1 })")
    }
}
