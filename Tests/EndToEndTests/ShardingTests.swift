import Foundation
import Testing

@Suite struct ShardingTests {
    /// Shards 1..N of a run cover every input exactly once, and their concatenated rows equal
    /// the unsharded output after sorting.
    @Test(arguments: [1, 2, 3, 7])
    func shardsPartitionTheInputs(count: Int) throws {
        let whole = try Specdet.run(["profile", "--quiet", "--no-header", "Fixtures/images"])
        #expect(whole.status == 0)
        var pieces: [Substring] = []
        for index in 1...count {
            let shard = try Specdet.run(["profile", "--quiet", "--no-header", "--shard", "\(index)/\(count)", "Fixtures/images"])
            #expect(shard.status == 0)
            pieces += shard.lines
        }
        #expect(pieces.count == whole.lines.count)
        #expect(pieces.sorted() == whole.lines.sorted())
        #expect(Set(pieces).count == pieces.count)
    }

    @Test func jsonLinesHaveOneObjectPerInput() throws {
        let run = try Specdet.run(["score", "--quiet", "--format", "jsonl", "Fixtures/images/odd", "Fixtures/malformed/png/png_ihdr_bad_crc.png"])
        #expect(run.status == 1)
        let objects = try run.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 3)
        #expect(objects.map { $0["status"] as? String } == ["ok", "ok", "checksum_mismatch"])
        #expect(objects[2]["probability_fake"] is NSNull)
        #expect((objects[0]["probability_fake"] as? Double).map { (0...1).contains($0) } == true)
    }

    @Test func anInvalidShardIsAUsageError() throws {
        #expect(try Specdet.run(["profile", "--shard", "0/3", "Fixtures/images/odd"]).status == 2)
        #expect(try Specdet.run(["profile", "--shard", "4/3", "Fixtures/images/odd"]).status == 2)
    }
}
