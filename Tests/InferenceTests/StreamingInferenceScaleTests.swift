import CasparianCore
import Foundation
import Testing

@testable import Inference

/// Discovery over a folder of many small files must cost the same per file
/// however many came before: discovery snapshots the inference before each
/// file (to roll back one that fails part-way), and a snapshot that copied
/// every file name seen so far made 200,000 files quadratic.
@Suite("Streaming inference at scale")
struct StreamingInferenceScaleTests {
    @Test(.timeLimit(.minutes(2)))
    func twoHundredThousandFilesWithASnapshotEachAreLinear() {
        var inference = StreamingInference()
        var batch = RowBatch(output: "out", columnNames: ["id"])
        batch.append(row: [.int(1)])
        let n = 200_000
        for k in 0..<n {
            let before = inference  // what DiscoveryEngine keeps to roll a failed file back
            inference.feed(batch: batch, file: "folder/file-\(k).csv")
            if k % 50_000 == 49_999 { inference = before }  // a file that failed part-way
            withExtendedLifetime(before) {}
        }
        let result = inference.finish()
        #expect(result.files == n - 4 && result.rows == n - 4)
    }

    @Test func aFileFedInSeveralBatchesCountsOnce() {
        var inference = StreamingInference()
        var batch = RowBatch(output: "out", columnNames: ["id"])
        batch.append(row: [.int(1)])
        inference.noteFile("a")
        inference.feed(batch: batch, file: "a")
        inference.feed(batch: batch, file: "a")
        inference.feed(batch: batch, file: "b")
        inference.noteFile("c")
        #expect(inference.finish().files == 3)
    }
}
