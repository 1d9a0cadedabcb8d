import Foundation
import Testing

/// docs/ARCHITECTURE.md names every target folder and every folder of the executable, so the
/// map cannot silently fall behind the tree.
@Suite struct ArchitectureDocumentTests {
    @Test func everySourceFolderIsOnTheMap() throws {
        let document = try String(contentsOf: Specdet.root.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let sources = Specdet.root.appendingPathComponent("Sources")
        let targets = try FileManager.default.contentsOfDirectory(atPath: sources.path)
        let executableFolders = try FileManager.default.contentsOfDirectory(atPath: sources.appendingPathComponent("specdet").path)
            .filter { !$0.hasSuffix(".swift") && $0 != "Resources" }
        #expect(!targets.isEmpty && !executableFolders.isEmpty)
        for name in targets + executableFolders.map({ $0 + "/" }) {
            #expect(document.contains(name), "docs/ARCHITECTURE.md does not mention \(name)")
        }
    }
}
