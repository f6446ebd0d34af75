import Backtest
import CasparianCore
import Foundation
import Postgres

/// A run shared by several machines, kept in PostgreSQL: the run, one row
/// per file (its state, the node holding it and until when), and one row per
/// node. Nodes claim files in small batches with `FOR UPDATE SKIP LOCKED`,
/// renew their leases while they parse, and record each file's end; a file
/// whose lease ran out (its node died) is claimed again by another node.
///
/// Everything lives in the schema `casparian_coordinator` of the
/// coordinator's database, created and migrated on first use (under an
/// advisory lock, so nodes starting together do not race). No password is
/// ever stored: the run keeps its target without one, and each node takes
/// it from libpq's usual sources (PGPASSWORD, ~/.pgpass).
///
/// Not thread-safe by itself: one `Coordinator` (one connection) per thread
/// of use, or the caller's lock.
public final class Coordinator: @unchecked Sendable {
    public static let schema = "casparian_coordinator"
    static let schemaVersion = 3

    public let url: String
    private let connection: PostgresConnection

    /// Connects, creating or migrating the coordinator's tables.
    public init(url: String) throws {
        self.url = url
        do {
            connection = try PostgresConnection(url: url, applicationName: "casparian coordinator")
        } catch let e as CasparianError {
            throw CasparianError(e.kind, "cannot reach the coordinator: " + e.message, hint: e.hint)
        } catch {
            throw CasparianError(
                .environment, "cannot reach the coordinator at \(redactedPostgresURL(url)): \(error)",
                hint: "check the URL and that the server runs; a password comes from PGPASSWORD or ~/.pgpass")
        }
        try migrate()
    }

    public func close() { connection.close() }

    private func migrate() throws {
        let s = Self.schema
        try guarded {
            try connection.execute("BEGIN")
            do {
                _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext('casparian_coordinator_migration'))")
                try connection.execute(
                    """
                    CREATE SCHEMA IF NOT EXISTS \(s);
                    CREATE TABLE IF NOT EXISTS \(s).schema_version (version integer NOT NULL);
                    CREATE TABLE IF NOT EXISTS \(s).runs (
                        id text PRIMARY KEY, kind text NOT NULL, plugin text NOT NULL, parser_version text NOT NULL,
                        contract_version integer NOT NULL, scope text NOT NULL, root text NOT NULL DEFAULT '', target jsonb,
                        status text NOT NULL DEFAULT 'open', lease_seconds integer NOT NULL, max_claims integer NOT NULL,
                        files_total integer NOT NULL, files_skipped integer NOT NULL DEFAULT 0,
                        created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz);
                    CREATE TABLE IF NOT EXISTS \(s).files (
                        run_id text NOT NULL REFERENCES \(s).runs(id) ON DELETE CASCADE, path text NOT NULL,
                        state text NOT NULL DEFAULT 'todo', node text, lease_until timestamptz,
                        claims integer NOT NULL DEFAULT 0, rows bigint, category text, message text,
                        finished_at timestamptz, turn smallint NOT NULL DEFAULT 2, PRIMARY KEY (run_id, path));
                    CREATE TABLE IF NOT EXISTS \(s).history (
                        plugin text NOT NULL, scope text NOT NULL, path text NOT NULL, failures integer NOT NULL,
                        consecutive integer NOT NULL, PRIMARY KEY (plugin, scope, path));
                    CREATE TABLE IF NOT EXISTS \(s).nodes (
                        run_id text NOT NULL REFERENCES \(s).runs(id) ON DELETE CASCADE, node text NOT NULL,
                        host text NOT NULL, pid integer NOT NULL, jobs integer NOT NULL,
                        started_at timestamptz NOT NULL DEFAULT now(), last_heartbeat timestamptz NOT NULL DEFAULT now(),
                        files_claimed integer NOT NULL DEFAULT 0, files_done integer NOT NULL DEFAULT 0,
                        files_failed integer NOT NULL DEFAULT 0, rows bigint NOT NULL DEFAULT 0,
                        status text NOT NULL DEFAULT 'running', error text, PRIMARY KEY (run_id, node));
                    """)
                let found = (try connection.query("SELECT max(version) FROM \(s).schema_version").rows.first?.first ?? nil).flatMap {
                    Int($0)
                }
                if let found, found > Self.schemaVersion {
                    throw CasparianError(
                        .conflict,
                        "the coordinator's tables are of a newer Casparian (version \(found); this one knows \(Self.schemaVersion))",
                        hint: "run the same Casparian version on every node")
                }
                if let found, found < 2 {
                    // 2: backtests (no target, a root to name files by).
                    try connection.execute(
                        """
                        ALTER TABLE \(s).runs ADD COLUMN IF NOT EXISTS root text NOT NULL DEFAULT '';
                        ALTER TABLE \(s).runs ALTER COLUMN target DROP NOT NULL;
                        """)
                }
                if let found, found < 3 {
                    // 3: the shared high-failure history (its table is made above), files
                    // claimed in their turn (failing before first), through (run_id, state, turn, path).
                    try connection.execute(
                        """
                        ALTER TABLE \(s).files ADD COLUMN IF NOT EXISTS turn smallint NOT NULL DEFAULT 2;
                        DROP INDEX IF EXISTS \(s).files_by_state;
                        """)
                }
                // After the migrations: an earlier version's tables have the column only now.
                try connection.execute("CREATE INDEX IF NOT EXISTS files_by_state ON \(s).files (run_id, state, turn, path)")
                if found != Self.schemaVersion {
                    try connection.execute(
                        "DELETE FROM \(s).schema_version; INSERT INTO \(s).schema_version VALUES (\(Self.schemaVersion))")
                }
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body`, turning a lost connection or a server error into a
    /// `CasparianError` that names the coordinator.
    @discardableResult
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as CasparianError {
            throw e
        } catch let e as PostgresError where !(e.sqlState ?? "08").hasPrefix("08") && e.sqlState != "57P01" {
            // The server answered: not a lost connection.
            throw CasparianError(
                .environment, "the coordinator at \(redactedPostgresURL(url)) refused a statement: \(e.message)",
                hint: "check that every node runs the same Casparian version and that this user may write the schema \(Self.schema)")
        } catch let e as PostgresError {
            throw CasparianError(
                .environment, "lost the coordinator at \(redactedPostgresURL(url)): \(e.message)",
                hint:
                    "the run's state is kept there: once it is back, `casparian join --coordinator URL RUN_ID` goes on where the nodes were"
            )
        } catch {
            throw CasparianError(
                .environment, "lost the coordinator at \(redactedPostgresURL(url)): \(error)",
                hint:
                    "the run's state is kept there: once it is back, `casparian join --coordinator URL RUN_ID` goes on where the nodes were"
            )
        }
    }

    private func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try guarded { try connection.query(sql, parameters: parameters) }
    }

    // MARK: - Runs

    /// A coordinated run as the coordinator keeps it.
    public struct Run: Sendable, Equatable, Codable {
        public var id: String
        public var kind: String
        public var plugin: String
        public var parserVersion: String
        public var contractVersion: Int
        public var scope: String
        /// The scope's root folder (a backtest names files relative to it).
        public var root: String
        /// Where an execute writes; nil for a backtest.
        public var target: OutputTargetSpec?
        public var status: String
        public var leaseSeconds: Int
        public var maxClaims: Int
        public var filesTotal: Int
        public var filesSkipped: Int
        public var createdAt: String

        enum CodingKeys: String, CodingKey {
            case id, kind, plugin, scope, root, target, status
            case parserVersion = "parser_version"
            case contractVersion = "contract_version"
            case leaseSeconds = "lease_seconds"
            case maxClaims = "max_claims"
            case filesTotal = "files_total"
            case filesSkipped = "files_skipped"
            case createdAt = "created_at"
        }
    }

    static let runColumns =
        "id, kind, plugin, parser_version, contract_version, scope, target::text, status, lease_seconds, max_claims, files_total, files_skipped, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), root"

    static func run(_ r: [String?]) throws -> Run {
        func int(_ i: Int) -> Int { r[i].flatMap { Int($0) } ?? 0 }
        let target = try r[6].map { json in
            do {
                return try JSONDecoder().decode(OutputTargetSpec.self, from: Data(json.utf8))
            } catch {
                throw CasparianError(
                    .data, "run \(r[0] ?? "?") in the coordinator has a target this Casparian cannot read: \(json.prefix(200))",
                    hint: "it was written by another Casparian version or by hand: run the same version on every node, or cancel the run")
            }
        }
        return Run(
            id: r[0] ?? "", kind: r[1] ?? "", plugin: r[2] ?? "", parserVersion: r[3] ?? "", contractVersion: int(4), scope: r[5] ?? "",
            root: r[13] ?? "", target: target,
            status: r[7] ?? "",
            leaseSeconds: int(8), maxClaims: int(9), filesTotal: int(10), filesSkipped: int(11), createdAt: r[12] ?? "")
    }

    /// Creates the run with one queue entry per file, or returns the open
    /// run of the same plugin version, scope and target (and whether it was
    /// created).
    public func openRun(
        kind: String = "execute", plugin: String, parserVersion: String, contractVersion: Int, scope: String, root: String = "",
        target: OutputTargetSpec?, files: [String], skipped: Int, leaseSeconds: Int, maxClaims: Int
    ) throws -> (Run, created: Bool) {
        let s = Self.schema
        let targetJSON = try target?.jsonText()
        return try guarded {
            try connection.execute("BEGIN")
            do {
                _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", parameters: ["casparian run " + plugin])
                let open = try connection.query(
                    "SELECT \(Self.runColumns) FROM \(s).runs WHERE kind = $5 AND plugin = $1 AND parser_version = $2 AND scope = $3 AND target IS NOT DISTINCT FROM $4::jsonb AND status = 'open' ORDER BY created_at DESC LIMIT 1",
                    parameters: [plugin, parserVersion, scope, targetJSON, kind])
                if let row = open.rows.first {
                    try connection.execute("COMMIT")
                    return (try Self.run(row), false)
                }
                let id = "crun_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
                _ = try connection.query(
                    "INSERT INTO \(s).runs (id, kind, plugin, parser_version, contract_version, scope, target, lease_seconds, max_claims, files_total, files_skipped, root) VALUES ($1, $11, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $12)",
                    parameters: [
                        id, plugin, parserVersion, String(contractVersion), scope, targetJSON, String(leaseSeconds), String(maxClaims),
                        String(files.count + skipped), String(skipped), kind, root,
                    ])
                // The queue, 10,000 paths a statement (each a text array): a
                // corpus of millions of files is not one statement of gigabytes.
                // Each file's turn comes from the shared history, as a
                // backtest orders files (`FileOrdering`): failing before,
                // then failed once and passing since, then never tested, then passing.
                for start in stride(from: 0, to: files.count, by: 10_000) {
                    let chunk = Array(files[start..<min(files.count, start + 10_000)])
                    _ = try connection.query(
                        """
                        INSERT INTO \(s).files (run_id, path, turn)
                        SELECT $1, p, CASE WHEN h.path IS NULL THEN 2 WHEN h.consecutive > 0 THEN 0 WHEN h.failures > 0 THEN 1 ELSE 3 END
                        FROM unnest($2::text[]) AS p LEFT JOIN \(s).history h ON h.plugin = $3 AND h.scope = $4 AND h.path = p
                        """, parameters: [id, Self.textArray(chunk), plugin, scope])
                }
                let row = try connection.query("SELECT \(Self.runColumns) FROM \(s).runs WHERE id = $1", parameters: [id]).rows[0]
                try connection.execute("COMMIT")
                return (try Self.run(row), true)
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// A PostgreSQL array literal of `items` (nil is NULL).
    static func textArray(_ items: [String?]) -> String {
        "{"
            + items.map { item in
                item.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
                    ?? "NULL"
            }.joined(separator: ",") + "}"
    }

    /// The run `id`, or the one open run when no id is given.
    public func run(id: String?) throws -> Run {
        let s = Self.schema
        if let id {
            guard let row = try query("SELECT \(Self.runColumns) FROM \(s).runs WHERE id = $1", [id]).rows.first else {
                let known = try runs().prefix(5).map(\.id)
                throw CasparianError(
                    .notFound, "the coordinator has no run \(id)",
                    hint: known.isEmpty
                        ? "start one with `casparian run PLUGIN --scope S --to URL --coordinator URL`"
                        : "runs: \(known.joined(separator: ", "))")
            }
            return try Self.run(row)
        }
        let open = try query("SELECT \(Self.runColumns) FROM \(s).runs WHERE status = 'open' ORDER BY created_at").rows
        guard open.count == 1 else {
            throw CasparianError(
                .notFound,
                open.isEmpty
                    ? "the coordinator has no open run to join" : "the coordinator has \(open.count) open runs: name the one to join",
                hint: open.isEmpty
                    ? "start one with `casparian run PLUGIN --scope S --to URL --coordinator URL` (a node started with it: `join --wait SECONDS`)"
                    : "open runs: \(try open.map { try Self.run($0).id }.joined(separator: ", "))")
        }
        return try Self.run(open[0])
    }

    /// Every run, newest first.
    public func runs() throws -> [Run] {
        try query("SELECT \(Self.runColumns) FROM \(Self.schema).runs ORDER BY created_at DESC").rows.map(Self.run)
    }

    /// Asks every node of the run to stop (they see it within a heartbeat).
    @discardableResult
    public func cancel(run id: String) throws -> Bool {
        let r = try query(
            "UPDATE \(Self.schema).runs SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status = 'open'", [id])
        return (r.affectedRows ?? 0) > 0
    }

    // MARK: - The shared high-failure history

    /// What backtests shared through this coordinator found of `paths` before.
    public func history(plugin: String, scope: String, paths: [String]) throws -> [String: FileHistory.State] {
        let rows = try query(
            "SELECT path, consecutive, failures > 0 FROM \(Self.schema).history WHERE plugin = $1 AND scope = $2 AND path = ANY($3::text[])",
            [plugin, scope, Self.textArray(paths)]
        ).rows
        var states: [String: FileHistory.State] = [:]
        for r in rows {
            guard let path = r[0] else { continue }
            let consecutive = r[1].flatMap { Int($0) } ?? 0
            states[path] = consecutive > 0 ? .failing(consecutiveFailures: consecutive) : (r[2] == "t" ? .resolved : .passing)
        }
        return states
    }

    /// Adds verdicts to the shared history: a failure to the file's counts,
    /// a pass ends its run of failures.
    public func recordHistory(plugin: String, scope: String, verdicts: [(path: String, failed: Bool)]) throws {
        guard !verdicts.isEmpty else { return }
        _ = try query(
            """
            INSERT INTO \(Self.schema).history AS h (plugin, scope, path, failures, consecutive)
            SELECT $1, $2, v.path, v.failed::int, v.failed::int FROM unnest($3::text[], $4::bool[]) AS v(path, failed)
            ON CONFLICT (plugin, scope, path) DO UPDATE SET failures = h.failures + EXCLUDED.failures,
                consecutive = CASE WHEN EXCLUDED.failures > 0 THEN h.consecutive + 1 ELSE 0 END
            """,
            [
                plugin, scope, Self.textArray(verdicts.map(\.path)),
                "{" + verdicts.map { $0.failed ? "t" : "f" }.joined(separator: ",") + "}",
            ])
    }

    // MARK: - Nodes

    /// Registers a node of `run` (several nodes may run on one machine).
    public func join(run: String, node: String, jobs: Int) throws {
        let host = ProcessInfo.processInfo.hostName
        _ = try query(
            "INSERT INTO \(Self.schema).nodes (run_id, node, host, pid, jobs) VALUES ($1, $2, $3, $4, $5)",
            [run, node, host, String(getpid()), String(jobs)])
    }

    /// A file's end, as a node reports it.
    public struct FileEnd: Sendable, Equatable {
        public var path: String
        /// `done`, `failed` or `dead`.
        public var state: String
        public var rows: Int
        public var category: String?
        public var message: String?

        public init(path: String, state: String, rows: Int, category: String? = nil, message: String? = nil) {
            self.path = path
            self.state = state
            self.rows = rows
            self.category = category
            self.message = message
        }
    }

    /// Records `ended` files (those this node still holds: a node whose
    /// lease ran out while it parsed finds the file taken by another, whose
    /// write replaces its own file by file, so the output holds the file's
    /// rows once), then claims up to `count` files whose turn it is (whose
    /// lease ran out first, then never claimed) for `lease` seconds — one
    /// round trip, whose cost does not grow with the run: every lookup goes
    /// through an index (a file by its key, the next files by their state).
    /// Files claimed `max_claims` times already (every node that took them
    /// stopped before finishing) are set aside as dead.
    public func claim(run: String, node: String, count: Int, lease: Int, ended: [FileEnd] = []) throws -> [String] {
        let s = Self.schema
        let rows = try query(
            """
            WITH v AS (
                SELECT * FROM unnest($5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[]) AS v(path, state, rows, category, message)),
            f AS (
                UPDATE \(s).files SET state = v.state, rows = v.rows, category = v.category, message = v.message, finished_at = now(),
                    lease_until = NULL
                FROM v WHERE files.run_id = $1 AND files.path = ANY($5::text[]) AND files.path = v.path AND files.node = $2
                    AND files.state = 'claimed'
                RETURNING files.state, files.rows),
            expired AS (
                SELECT path FROM \(s).files WHERE run_id = $1 AND state = 'claimed' AND lease_until < now()
                ORDER BY path LIMIT $3 FOR UPDATE SKIP LOCKED),
            fresh AS (
                SELECT path FROM \(s).files WHERE run_id = $1 AND state = 'todo' ORDER BY turn, path LIMIT $3 FOR UPDATE SKIP LOCKED),
            c AS ((SELECT path FROM expired) UNION ALL (SELECT path FROM fresh) LIMIT $3),
            u AS (
                UPDATE \(s).files f SET state = 'claimed', node = $2, lease_until = now() + make_interval(secs => $4), claims = claims + 1
                FROM c WHERE f.run_id = $1 AND f.path = c.path RETURNING f.path, f.claims, f.turn),
            n AS (
                UPDATE \(s).nodes SET files_claimed = files_claimed + (SELECT count(*) FROM u),
                    files_done = files_done + (SELECT count(*) FROM f WHERE state = 'done'),
                    files_failed = files_failed + (SELECT count(*) FROM f WHERE state <> 'done'),
                    rows = rows + (SELECT coalesce(sum(rows), 0) FROM f WHERE state = 'done'), last_heartbeat = now()
                WHERE run_id = $1 AND node = $2)
            SELECT u.path, u.claims, r.max_claims FROM u, \(s).runs r WHERE r.id = $1 ORDER BY u.turn, u.path
            """,
            [
                run, node, String(count), String(lease), Self.textArray(ended.map(\.path)), Self.textArray(ended.map(\.state)),
                Self.textArray(ended.map { String($0.rows) }), Self.textArray(ended.map(\.category)),
                Self.textArray(ended.map { $0.message.map { String($0.prefix(2000)) } }),
            ]
        ).rows
        var claimed: [String] = []
        var lost: [FileEnd] = []
        for r in rows {
            guard let path = r[0] else { continue }
            let claims = r[1].flatMap { Int($0) } ?? 0
            let maxClaims = r[2].flatMap { Int($0) } ?? 3
            if claims > maxClaims {
                lost.append(
                    FileEnd(
                        path: path, state: "dead", rows: 0, category: "lost",
                        message: "claimed \(claims - 1) times by nodes that stopped before finishing it"))
            } else {
                claimed.append(path)
            }
        }
        if !lost.isEmpty { _ = try claim(run: run, node: node, count: 0, lease: lease, ended: lost) }
        return claimed
    }

    /// Whether the run has files not yet ended — never claimed, or claimed
    /// by a node other than `node` (the files `node` holds end with it) —
    /// and its status; through the index, whatever the run's size.
    public func open(run: String, node: String) throws -> (todo: Bool, claimed: Bool, status: String) {
        let s = Self.schema
        let r = try query(
            """
            SELECT EXISTS (SELECT 1 FROM \(s).files WHERE run_id = $1 AND state = 'todo'),
                EXISTS (SELECT 1 FROM \(s).files WHERE run_id = $1 AND state = 'claimed' AND node <> $2),
                (SELECT status FROM \(s).runs WHERE id = $1)
            """, [run, node]
        ).rows.first
        return (r?[0] == "t", r?[1] == "t", r?[2] ?? "")
    }

    /// Renews the leases of the files this node holds; returns the run's status.
    public func heartbeat(run: String, node: String, lease: Int) throws -> String {
        let s = Self.schema
        let r = try query(
            """
            WITH f AS (
                UPDATE \(s).files SET lease_until = now() + make_interval(secs => $3)
                WHERE run_id = $1 AND node = $2 AND state = 'claimed' RETURNING 1),
            n AS (UPDATE \(s).nodes SET last_heartbeat = now() WHERE run_id = $1 AND node = $2)
            SELECT status, (SELECT count(*) FROM f) FROM \(s).runs WHERE id = $1
            """, [run, node, String(lease)])
        return r.rows.first?[0] ?? "missing"
    }

    /// Marks the node's end (and the run's, when no file is left open).
    public func leave(run: String, node: String, status: String, error: String?) throws {
        let s = Self.schema
        _ = try query(
            "UPDATE \(s).nodes SET status = $3, error = $4, last_heartbeat = now() WHERE run_id = $1 AND node = $2",
            [run, node, status, error])
        _ = try query(
            "UPDATE \(s).runs SET status = 'done', finished_at = now() WHERE id = $1 AND status = 'open' AND NOT EXISTS (SELECT 1 FROM \(s).files WHERE run_id = $1 AND state IN ('todo', 'claimed'))",
            [run])
    }

    // MARK: - Progress

    /// One node's part of a run.
    public struct NodeProgress: Sendable, Equatable, Codable {
        public var node: String
        public var host: String
        public var pid: Int
        public var jobs: Int
        public var status: String
        public var filesClaimed: Int
        public var filesDone: Int
        public var filesFailed: Int
        public var rows: Int
        public var secondsSinceHeartbeat: Double
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case node, host, pid, jobs, status, rows, error
            case filesClaimed = "files_claimed"
            case filesDone = "files_done"
            case filesFailed = "files_failed"
            case secondsSinceHeartbeat = "seconds_since_heartbeat"
        }
    }

    /// A run with its files by state and its nodes.
    public struct RunProgress: Sendable, Equatable, Codable {
        public var run: Run
        public var files: [String: Int]
        public var rows: Int
        public var nodes: [NodeProgress]
    }

    public func progress(run id: String) throws -> RunProgress {
        let s = Self.schema
        let run = try self.run(id: id)
        var files: [String: Int] = [:]
        var rows = 0
        for r in try query("SELECT state, count(*), coalesce(sum(rows), 0) FROM \(s).files WHERE run_id = $1 GROUP BY state", [id]).rows {
            files[r[0] ?? "?"] = r[1].flatMap { Int($0) } ?? 0
            if r[0] == "done" { rows = r[2].flatMap { Int($0) } ?? 0 }
        }
        let nodes = try query(
            "SELECT node, host, pid, jobs, status, files_claimed, files_done, files_failed, rows, extract(epoch FROM now() - last_heartbeat), error FROM \(s).nodes WHERE run_id = $1 ORDER BY started_at",
            [id]
        ).rows.map { r in
            NodeProgress(
                node: r[0] ?? "", host: r[1] ?? "", pid: r[2].flatMap { Int($0) } ?? 0, jobs: r[3].flatMap { Int($0) } ?? 0,
                status: r[4] ?? "", filesClaimed: r[5].flatMap { Int($0) } ?? 0, filesDone: r[6].flatMap { Int($0) } ?? 0,
                filesFailed: r[7].flatMap { Int($0) } ?? 0, rows: r[8].flatMap { Int($0) } ?? 0,
                secondsSinceHeartbeat: r[9].flatMap { Double($0) } ?? 0, error: r[10])
        }
        return RunProgress(run: run, files: files, rows: rows, nodes: nodes)
    }
}
