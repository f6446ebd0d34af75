import GRDB

extension Catalog {
    /// The catalog schema, one migration per change, never edited once shipped.
    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1-core") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scopes (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        root TEXT NOT NULL,
                        include_json TEXT NOT NULL DEFAULT '[]',
                        exclude_json TEXT NOT NULL DEFAULT '[]',
                        tags_json TEXT NOT NULL DEFAULT '[]',
                        created_at TEXT NOT NULL,
                        refreshed_at TEXT
                    );
                    CREATE TABLE files (
                        id INTEGER PRIMARY KEY,
                        path TEXT NOT NULL UNIQUE,
                        size INTEGER NOT NULL,
                        mtime REAL NOT NULL,
                        content_hash TEXT,
                        first_seen TEXT NOT NULL,
                        last_seen TEXT NOT NULL
                    );
                    CREATE TABLE scope_files (
                        scope_id TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
                        file_id INTEGER NOT NULL REFERENCES files(id),
                        PRIMARY KEY (scope_id, file_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE file_tags (
                        file_id INTEGER NOT NULL REFERENCES files(id),
                        tag TEXT NOT NULL,
                        PRIMARY KEY (file_id, tag)
                    ) WITHOUT ROWID;
                    CREATE TABLE discoveries (
                        id TEXT PRIMARY KEY,
                        plugin TEXT NOT NULL,
                        scope_id TEXT REFERENCES scopes(id),
                        created_at TEXT NOT NULL,
                        files INTEGER NOT NULL,
                        rows INTEGER NOT NULL,
                        result_json TEXT NOT NULL,
                        approved_contract_id TEXT
                    );
                    CREATE TABLE contracts (
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        plugin TEXT NOT NULL,
                        scope_id TEXT,
                        approved_at TEXT NOT NULL,
                        approved_by TEXT NOT NULL,
                        discovery_id TEXT,
                        body_json TEXT NOT NULL,
                        PRIMARY KEY (id, version)
                    );
                    CREATE INDEX contracts_by_plugin ON contracts(plugin, version);
                    CREATE TABLE amendments (
                        id TEXT PRIMARY KEY,
                        contract_id TEXT NOT NULL,
                        base_version INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        proposal_json TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        decided_at TEXT,
                        decided_by TEXT,
                        resulting_version INTEGER
                    );
                    CREATE TABLE parser_versions (
                        plugin TEXT NOT NULL,
                        version TEXT NOT NULL,
                        source_hash TEXT NOT NULL,
                        source TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        PRIMARY KEY (plugin, version)
                    );
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL,
                        plugin TEXT NOT NULL,
                        scope_id TEXT,
                        parser_version TEXT,
                        contract_id TEXT,
                        contract_version INTEGER,
                        iteration INTEGER,
                        status TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        owner_pid INTEGER,
                        progress_json TEXT,
                        result_json TEXT
                    );
                    CREATE INDEX runs_by_status ON runs(status, started_at);
                    CREATE TABLE run_files (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        file_id INTEGER NOT NULL REFERENCES files(id),
                        status TEXT NOT NULL,
                        category TEXT,
                        message TEXT,
                        rows INTEGER NOT NULL DEFAULT 0,
                        duration_ms INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (run_id, file_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE high_failures (
                        plugin TEXT NOT NULL,
                        scope_key TEXT NOT NULL,
                        file_id INTEGER NOT NULL REFERENCES files(id),
                        failure_count INTEGER NOT NULL DEFAULT 0,
                        consecutive_failures INTEGER NOT NULL DEFAULT 0,
                        first_failure_at TEXT,
                        last_failure_at TEXT,
                        last_tested_at TEXT,
                        last_status TEXT,
                        PRIMARY KEY (plugin, scope_key, file_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE failure_history (
                        id INTEGER PRIMARY KEY,
                        plugin TEXT NOT NULL,
                        scope_key TEXT NOT NULL,
                        file_id INTEGER NOT NULL REFERENCES files(id),
                        iteration INTEGER,
                        parser_version TEXT,
                        category TEXT NOT NULL,
                        message TEXT NOT NULL,
                        at TEXT NOT NULL,
                        resolved INTEGER NOT NULL DEFAULT 0,
                        resolved_by TEXT
                    );
                    CREATE INDEX failure_history_by_file ON failure_history(plugin, scope_key, file_id);
                    """)
        }
        m.registerMigration("v2-workspace-scope-stamps") { db in
            // What each scope saw of a file at its last refresh, so that a
            // refresh of one scope reports changes even when another scope
            // already updated the shared `files` row.
            try db.execute(
                sql: """
                    ALTER TABLE scope_files ADD COLUMN size INTEGER;
                    ALTER TABLE scope_files ADD COLUMN mtime REAL;
                    ALTER TABLE scopes ADD COLUMN include_hidden INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX file_tags_by_tag ON file_tags(tag);
                    """)
        }
        m.registerMigration("v2-contracts-amendment-decisions") { db in
            // Who decided an amendment and how (approve, split, …), and the
            // plugin, so a plugin's amendments list without a join.
            try db.execute(
                sql: """
                    ALTER TABLE amendments ADD COLUMN plugin TEXT NOT NULL DEFAULT '';
                    ALTER TABLE amendments ADD COLUMN action TEXT;
                    ALTER TABLE amendments ADD COLUMN note TEXT;
                    CREATE INDEX amendments_by_contract ON amendments(contract_id, status);
                    CREATE INDEX amendments_by_plugin ON amendments(plugin, created_at);
                    """)
        }
        m.registerMigration("v2-mcp-run-replies") { db in
            // What an MCP tool answered for a run (get_run_status returns it);
            // result_json keeps the engine's full report.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN reply_json TEXT")
        }
        m.registerMigration("v2-ops-jobs") { db in
            // A cancel request any process can make (CLI, MCP); the process
            // that owns the run polls it and stops.
            try db.execute(
                sql: """
                    ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX run_files_by_file ON run_files(file_id);
                    """)
        }
        m.registerMigration("v3-job-queue") { db in
            // What a job runs (its spec), so a job whose process died can be
            // resumed by the next process; how often it was resumed; and the
            // dead-letter list: files that kept failing transiently (the
            // worker killed by the system, timeouts) after every retry.
            try db.execute(
                sql: """
                    ALTER TABLE runs ADD COLUMN spec_json TEXT;
                    ALTER TABLE runs ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE dead_letters (
                        plugin TEXT NOT NULL,
                        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                        parser_version TEXT,
                        run_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        category TEXT NOT NULL,
                        message TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        history_json TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        PRIMARY KEY (plugin, file_id)
                    );
                    """)
        }
        m.registerMigration("v4-run-summaries") { db in
            // A backtest's iteration history apart from its full report, so
            // the next backtest reads a few hundred bytes, not every file's result.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN summary_json TEXT")
        }
        m.registerMigration("v5-output-targets") { db in
            // The targets outside the workspace that plugins were executed
            // into (SQLite is always there): what `output list` shows.
            // `spec_json` never holds a password.
            try db.execute(
                sql: """
                    CREATE TABLE output_targets (
                        plugin TEXT NOT NULL,
                        target TEXT NOT NULL,
                        spec_json TEXT NOT NULL,
                        last_run TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        PRIMARY KEY (plugin, target)
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }()
}
