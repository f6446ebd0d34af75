import CasparianTestSupport
import Foundation
import Testing

/// `casparian lab` validates its options, then becomes `casparian-lab`.
@Suite("CLI: lab hands over to casparian-lab")
struct LabHandoverTests {
    @Test func badOptionsAreRefusedBeforeTheHandover() throws {
        let r = try CLIRunner.run(["lab", "--jobs", "0"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--jobs must be at least 1"))
        #expect(r.stderr.contains("casparian lab"), "the usage names the command the user typed")
    }

    @Test func aMissingServerBinaryIsAnEnvironmentErrorWithAHint() throws {
        let r = try CLIRunner.run(["lab"], environment: ["CASPARIAN_LAB_BINARY": "/nonexistent/casparian-lab"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("could not start the Parser Lab /nonexistent/casparian-lab"))
        #expect(r.stderr.contains("hint: casparian-lab is built beside casparian"))
    }

    @Test func aWorkspaceThatIsNoFolderIsRefused() throws {
        let r = try CLIRunner.run(["lab", "--addr", "127.0.0.1:0", "--workspace", "/nonexistent/ws"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--workspace /nonexistent/ws is not a folder"))
    }
}
