import Backtest
import Testing

@Suite("Backtest file order")
struct FileOrderingTests {
    @Test func knownBadFirstThenResolvedThenNewThenPassing() {
        let files = [
            FileHistory(path: "p1", state: .passing),
            FileHistory(path: "n1", state: .neverTested),
            FileHistory(path: "f1", state: .failing(consecutiveFailures: 1)),
            FileHistory(path: "r1", state: .resolved),
            FileHistory(path: "f3", state: .failing(consecutiveFailures: 3)),
            FileHistory(path: "a0", state: .neverTested),
        ]
        #expect(FileOrdering.order(files).map(\.path) == ["f3", "f1", "r1", "a0", "n1", "p1"])
    }
}
