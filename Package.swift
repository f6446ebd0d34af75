// swift-tools-version: 6.1
import PackageDescription

/// Debian's CPython 3.11 headers (package libpython3.11-dev, installed by `make deps`).
let pythonInclude = "/usr/include/python3.11"

/// How the worker links Debian's static libpython. A build with
/// `--static-swift-stdlib` links with `--exclude-libs ALL` (the toolchain's
/// static-stdlib-args.lnk), which hides every symbol of every static archive
/// from the dynamic symbol table: the worker would link, but C extension
/// modules (`_decimal`, `_ctypes`, numpy) could not resolve the Python API
/// from it. `make release` therefore hands the linker libpython as one
/// relocatable object (`ld -r --whole-archive`), which that flag does not
/// touch, through `CASPARIAN_LIBPYTHON_OBJECT`; other builds link the archive.
let libpython: [String] = {
    if let object = Context.environment["CASPARIAN_LIBPYTHON_OBJECT"], !object.isEmpty {
        return ["-Xlinker", object]
    }
    return ["-Xlinker", "-l:libpython3.11.a"]
}()

/// The project's own Swift targets build without warnings: a warning fails
/// the build (debug, release and the sanitizer builds alike). `extra` are
/// further flags of the target.
func strict(_ extra: String...) -> [SwiftSetting] {
    [.unsafeFlags(extra + ["-warnings-as-errors"])]
}

let package = Package(
    name: "Casparian",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "casparian", targets: ["CasparianCLI"]),
        .executable(name: "casparian-worker", targets: ["CasparianWorker"]),
        .executable(name: "casparian-mcp", targets: ["CasparianMCP"]),
        .executable(name: "casparian-lab", targets: ["CasparianLab"]),
        .executable(name: "casparian-bench", targets: ["CasparianBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // Already pulled in by the MCP SDK; the server's Streamable HTTP front uses it directly.
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-system.git", exact: "1.8.1"),
    ],
    targets: [
        // Debian's CPython 3.11, linked statically: the shared libpython is
        // built position-independent and runs Python code ~20% slower than
        // /usr/bin/python3, which is built from the same static archive. The
        // executable is non-PIE (the archive is not PIC) and exports its
        // symbols so the interpreter's C extension modules (_decimal, ctypes,
        // numpy, ...) resolve the Python API from it (see `libpython`).
        .target(
            name: "CPython",
            cSettings: [.unsafeFlags(["-I\(pythonInclude)"])],
            linkerSettings: [
                .unsafeFlags(
                    libpython + ["-Xlinker", "--export-dynamic", "-Xclang-linker", "-no-pie"],
                    .when(platforms: [.linux])),
                .linkedLibrary("expat"), .linkedLibrary("z"), .linkedLibrary("m"), .linkedLibrary("util"),
            ]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CProcessControl"),
        .systemLibrary(
            name: "CSQLiteConfig", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // OpenSSL's libcrypto headers. No pkg-config: it would link the shared
        // library into every product above Digest (see Digest).
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        // Zstandard's headers; the Parquet target links the static archive.
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "CasparianCore"),
        // libpq, opened with dlopen on first use rather than linked: no
        // `casparian` command pays for loading it (and its libssl, GSSAPI and
        // LDAP), and the binary runs without libpq5 until a PostgreSQL target
        // is used. glibc has dlopen in libc itself: no -ldl.
        .target(name: "CLibPQ"),
        .target(name: "Postgres", dependencies: ["CasparianCore", "CLibPQ"]),
        // SHA-256 and HMAC-SHA256 over libcrypto, linked from the static
        // archive: loading libcrypto.so costs a process ~1 ms of CPU (an
        // empty C program: 0.7 -> 1.7 ms), which every `casparian` command
        // would pay whether it hashed anything or not. Its symbols stay
        // local, so libcurl's libssl in casparian-mcp keeps its own libcrypto.
        .target(
            name: "Digest", dependencies: ["CasparianCore", "CCrypto"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libcrypto.a", "-Xlinker", "--exclude-libs", "-Xlinker", "libcrypto.a"])]),
        .target(name: "Inference", dependencies: ["CasparianCore", "CZlib"]),
        // A streaming Parquet file writer. libzstd comes from the static
        // archive with its symbols kept local, as libcrypto does for Digest:
        // no shared library to load at every start.
        .target(
            name: "Parquet", dependencies: ["CasparianCore", "CZstd"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libzstd.a", "-Xlinker", "--exclude-libs", "-Xlinker", "libzstd.a"])]),
        .target(name: "Contracts", dependencies: ["CasparianCore", "Inference"]),
        .target(
            name: "Catalog",
            dependencies: [
                "CasparianCore", "Contracts", "Inference", "Digest", "CSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // What a host and its workers share: frames, messages, the row-frame
        // coder, the failure taxonomy and the worker's process tree. The
        // per-cell paths of the worker and the frame coder run millions of
        // times per second; dynamic exclusivity checks cost ~8% of a worker's
        // time, so WireProtocol, PluginHost and PythonWorker go without them.
        .target(
            name: "WireProtocol", dependencies: ["CasparianCore"],
            swiftSettings: strict("-enforce-exclusivity=unchecked")),
        .target(
            name: "PluginHost",
            dependencies: [
                "CasparianCore", "WireProtocol", "CMalloc", "CProcessControl",
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict("-enforce-exclusivity=unchecked")),
        // The worker side: no PluginHost, so a worker links no pool or spawn code.
        .target(
            name: "PythonWorker", dependencies: ["CasparianCore", "WireProtocol", "CPython", "CProcessControl"],
            swiftSettings: strict("-enforce-exclusivity=unchecked", "-Xcc", "-I\(pythonInclude)")),
        .target(
            name: "Backtest",
            dependencies: [
                "CasparianCore", "Inference", "Contracts", "Catalog", "PluginHost", "WireProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Workspace",
            dependencies: [
                "CasparianCore", "Inference", "Contracts", "Catalog", "PluginHost", "WireProtocol", "Backtest", "Parquet", "Postgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The built-in reader as a Python plugin, written out at approval (BuiltinCSVPlugin).
            resources: [.embedInCode("Resources/csv_reader.py"), .embedInCode("Resources/family_routing.py")]),
        // A local HTTP/1 server over SwiftNIO: listening, connection limits,
        // the Host/Origin/token policy. The MCP endpoint and the Parser Lab share it.
        .target(
            name: "HTTPService",
            dependencies: [
                "CasparianCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "MCPServer",
            dependencies: [
                "Workspace", "Backtest", "Catalog", "Contracts", "PluginHost", "CasparianCore", "Digest", "HTTPService",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        // The Parser Lab: a local web page over the Workspace façade (pages embedded).
        .target(
            name: "Lab",
            dependencies: [
                "Workspace", "Backtest", "Catalog", "Contracts", "Inference", "PluginHost", "CasparianCore", "HTTPService",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Resources/lab.html"), .embedInCode("Resources/lab.js"), .embedInCode("Resources/lab.css"),
                .embedInCode("Resources/favicon.svg"),
            ]),
        // What the executables share: output, error reporting, options.
        .target(
            name: "CLISupport",
            dependencies: [
                "CasparianCore", "PluginHost", "WireProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `casparian`: every command but the MCP server, which it execs.
        .executableTarget(
            name: "CasparianCLI",
            dependencies: [
                "CLISupport", "Workspace", "PluginHost", "WireProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `casparian-mcp`: the MCP server (the MCP SDK, SwiftNIO and
        // Foundation's networking stay out of `casparian`).
        .executableTarget(
            name: "CasparianMCP",
            dependencies: [
                "CLISupport", "MCPServer", "HTTPService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `casparian-lab`: the Parser Lab's web server (SwiftNIO stays out of `casparian`).
        .executableTarget(
            name: "CasparianLab",
            dependencies: [
                "CLISupport", "Lab", "HTTPService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The worker process: only the plugin runtime, so it starts fast.
        .executableTarget(name: "CasparianWorker", dependencies: ["PythonWorker"]),
        .executableTarget(
            name: "CasparianBench",
            dependencies: [
                "CasparianCore", "Inference", "Contracts", "Catalog", "Digest", "PluginHost", "WireProtocol", "Backtest", "Workspace",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // Test-only targets under Tests/ (no product: `make release` neither
        // builds nor ships them). What the test targets share: running built
        // binaries with a timeout, temporary folders, the test venv.
        .target(name: "CTestSpawn", path: "Tests/CTestSpawn"),
        .target(name: "CasparianTestSupport", dependencies: ["CTestSpawn"], path: "Tests/CasparianTestSupport"),
        // Writes synthetic files into an output database, for the crash tests
        // that SIGKILL a writer mid-transaction; built because tests depend on it.
        .executableTarget(
            name: "casparian-test-writer",
            dependencies: [
                "CasparianCore", "Contracts", "Workspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], path: "Tests/CasparianTestWriter"),
        .testTarget(name: "CasparianTestSupportTests", dependencies: ["CasparianTestSupport"]),
        .testTarget(name: "CasparianCoreTests", dependencies: ["CasparianCore", "CasparianTestSupport"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest", "CasparianCore", "CasparianTestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "CasparianTestSupport"]),
        .testTarget(name: "ContractsTests", dependencies: ["Contracts", "CasparianTestSupport"]),
        .testTarget(
            name: "CatalogTests",
            dependencies: [
                "Catalog", "Contracts", "Inference", "CasparianCore", "CasparianTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "CasparianCore", "CasparianTestSupport"]),
        .testTarget(
            name: "ParquetTests", dependencies: ["Parquet", "CasparianCore", "CasparianTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "WireProtocolTests", dependencies: ["WireProtocol", "CasparianCore"]),
        .testTarget(
            name: "PluginHostTests",
            dependencies: ["PluginHost", "WireProtocol", "CasparianCLI", "CasparianWorker", "CasparianTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PythonWorkerTests", dependencies: ["PythonWorker", "CPython", "CasparianTestSupport"],
            swiftSettings: strict("-Xcc", "-I\(pythonInclude)")),
        .testTarget(
            name: "BacktestTests",
            dependencies: ["Backtest", "Catalog", "PluginHost", "CasparianCLI", "CasparianWorker", "CasparianTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "WorkspaceTests",
            dependencies: [
                "Workspace", "Backtest", "CasparianCLI", "CasparianWorker", "Contracts", "Catalog", "CasparianCore", "Digest", "PluginHost",
                "CasparianTestSupport", "casparian-test-writer",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "MCPServerTests",
            dependencies: [
                "MCPServer", "CasparianCLI", "CasparianMCP", "CasparianWorker", "PluginHost", "CasparianTestSupport",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            exclude: ["Clients"]),
        .testTarget(name: "HTTPServiceTests", dependencies: ["HTTPService"]),
        .testTarget(
            name: "LabTests",
            dependencies: ["Lab", "CasparianCLI", "CasparianLab", "CasparianWorker", "CasparianTestSupport"], exclude: ["Clients"]),
        .testTarget(
            name: "CasparianCLITests",
            dependencies: [
                "CasparianCLI", "CasparianMCP", "CasparianWorker", "PluginHost", "Catalog", "Inference", "CasparianCore",
                "CasparianTestSupport", "casparian-test-writer",
            ]),
    ],
    swiftLanguageModes: [.v6]
)

/// Every Swift target of the project is `strict` (those with flags of their
/// own say so above); the C targets' warnings are clang's.
let cTargets: Set<String> = ["CPython", "CLibPQ", "CTestSpawn"]
for target in package.targets where target.type != .system && !cTargets.contains(target.name) && target.swiftSettings == nil {
    target.swiftSettings = strict()
}
