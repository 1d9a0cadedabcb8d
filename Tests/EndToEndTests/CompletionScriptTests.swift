import Foundation
import Testing

/// swift-argument-parser writes the scripts; this checks they come out of specdet's own `main`.
@Suite struct CompletionScriptTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptIsProduced(shell: String) throws {
        let run = try Specdet.run(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.output.isEmpty)
        for command in ["profile", "plot", "fingerprint"] {
            #expect(run.output.contains(command))
        }
    }
}
