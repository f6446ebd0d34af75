import CasparianTestSupport
import Foundation
import Testing

@testable import PythonWorker

/// The bootstrap is Python: run it with Debian's interpreter and check the
/// helpers the Swift side relies on.
@Suite("Worker bootstrap")
struct BootstrapTests {
    /// The script's exit code, and its stdout followed by its stderr.
    func python(_ script: String) throws -> (status: Int32, output: String) {
        let r = try ProcessLaunch("/usr/bin/python3", ["-I", "-c", Bootstrap.source + "\n" + script]).run()
        return (r.status, r.stdout + r.stderr)
    }

    @Test func contextColumnsRejectReservedAndDuplicateNames() throws {
        let r = try python(
            """
            ctx = Context("p")
            for bad in [("_cf_row",), ("a", "a"), ("",)]:
                try:
                    ctx.columns(*bad)
                    print("accepted", bad)
                except (ValueError, TypeError) as e:
                    print("refused:", e)
            ctx.columns(["x", "y"], output="o")
            print(ctx._columns)
            """)
        #expect(r.status == 0)
        #expect(!r.output.contains("accepted"))
        #expect(r.output.contains("reserved"))
        #expect(r.output.contains("{'o': ('x', 'y')}"))
    }

    @Test func rowsAdapterRefusesNonIterables() throws {
        let r = try python(
            """
            print(list(_casparian_rows([{"a": 1}])))
            print(list(_casparian_rows(None)))
            try:
                _casparian_rows({"a": 1})
            except TypeError as e:
                print("refused:", e)
            """)
        #expect(r.output.contains("[{'a': 1}]"))
        #expect(r.output.contains("[]"))
        #expect(r.output.contains("refused: parse returned a dict"))
    }

    @Test func describePointsAtThePluginLine() throws {
        let r = try python(
            """
            import tempfile, os
            d = tempfile.mkdtemp()
            p = os.path.join(d, "parser.py")
            open(p, "w").write("def parse(path):\\n    yield {}\\n    1/0\\n")
            m, parse, ctx = _casparian_load(p, "m")
            try:
                list(parse("x"))
            except Exception as e:
                import traceback  # the worker passes CPython's C-formatted text instead
                t, msg, tb, line = _casparian_describe(e, p, "".join(traceback.format_exception(e)))
                print(t, line, "bootstrap" in tb)
            """)
        #expect(r.output.contains("ZeroDivisionError 3 False"))
    }

    /// Workers run the bootstrap from its generated code: it must be the
    /// current source's, for the Python the worker embeds.
    @Test func generatedCodeIsTheCurrentBootstrapsForThisPython() throws {
        #expect(
            BootstrapCode.sourceHash == Bootstrap.sourceHash,
            "Bootstrap.source changed: run `make bootstrap-code` and commit Sources/PythonWorker/BootstrapCode.swift")
        let r = try python("import importlib.util; print(int.from_bytes(importlib.util.MAGIC_NUMBER, 'little'))")
        #expect(
            r.output.split(separator: "\n").last.map(String.init) == String(BootstrapCode.magic),
            "/usr/bin/python3 has another bytecode magic number: run `make bootstrap-code`")
        let marshalled = try #require(Data(base64Encoded: BootstrapCode.marshalled, options: .ignoreUnknownCharacters))
        let check = try python(
            """
            import marshal, base64
            code = marshal.loads(base64.b64decode(\"\(marshalled.base64EncodedString())\"))
            print(code.co_filename, "_casparian_load" in code.co_names)
            """)
        #expect(check.output.hasSuffix("<casparian-bootstrap> True\n"), "\(check.output)")
    }
}
