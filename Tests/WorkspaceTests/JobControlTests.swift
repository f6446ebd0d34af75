import CasparianTestSupport
import Catalog
import Foundation
import Testing
import Workspace

@Suite("Job control through the catalog")
struct JobControlTests {
    @Test func cancelRequestedElsewhereStopsTheJob() async throws {
        let url = try TemporaryFolder.create("jobs").appendingPathComponent("catalog.sqlite")
        let owner = try Catalog(url: url)
        let id = try owner.startRun(kind: .execute, plugin: "p", scopeID: nil, parserVersion: "v1")
        let control = JobControl(catalog: owner, runID: id, interval: .milliseconds(50))
        let job = Task {
            try await control.run {
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        try Catalog(url: url).requestCancel(id: id)
        await #expect(throws: CancellationError.self) { _ = try await job.value }
    }

    @Test func aJobNobodyCancelsFinishes() async throws {
        let url = try TemporaryFolder.create("jobs").appendingPathComponent("catalog.sqlite")
        let catalog = try Catalog(url: url)
        let id = try catalog.startRun(kind: .backtest, plugin: "p", scopeID: nil, parserVersion: "v1")
        let control = JobControl(catalog: catalog, runID: id, interval: .milliseconds(20))
        let value = try await control.run {
            try await Task.sleep(for: .milliseconds(100))
            return 42
        }
        #expect(value == 42)
    }

    @Test func progressIsPublishedAndThrottled() throws {
        let url = try TemporaryFolder.create("jobs").appendingPathComponent("catalog.sqlite")
        let catalog = try Catalog(url: url)
        let id = try catalog.startRun(kind: .execute, plugin: "p", scopeID: nil, parserVersion: "v1")
        let control = JobControl(catalog: catalog, runID: id, interval: .milliseconds(200))
        control.publish(JobProgress(filesDone: 1, filesTotal: 10, rowsWritten: 5))
        #expect(try catalog.run(id: id).progressJSON == nil, "nothing is written in the job's first interval")
        Thread.sleep(forTimeInterval: 0.25)
        control.publish(JobProgress(filesDone: 2, filesTotal: 10, rowsWritten: 9))
        control.publish(JobProgress(filesDone: 3, filesTotal: 10, rowsWritten: 12))
        let first = try JSONDecoder().decode(JobProgress.self, from: Data(try #require(try catalog.run(id: id).progressJSON).utf8))
        #expect(first.filesDone == 2, "the second write within the interval is skipped")
        control.publish(JobProgress(filesDone: 10, filesTotal: 10, rowsWritten: 50), force: true)
        let last = try JSONDecoder().decode(JobProgress.self, from: Data(try #require(try catalog.run(id: id).progressJSON).utf8))
        #expect(last == JobProgress(filesDone: 10, filesTotal: 10, rowsWritten: 50))
    }
}
