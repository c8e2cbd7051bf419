//! Every migration rule on a folder of migration files: the exact statements it must
//! report (look-alikes beside them must stay quiet), and its fix carried out: the fixed
//! statements replace the reported ones, the folder is read again and the finding is gone;
//! where the fix is SQL to run, it runs on a real PostgreSQL.

use std::path::Path;

use pglens::audit::{self, Finding, Selection, Severity};
use pglens::model::Catalog;

use crate::common::TestDb;

/// The migration rules are tested here rather than in `rules.rs`: they read migration files,
/// not a server. A rule counts as covered only when this file both makes it fire (a call
/// `findings(.., "id")` whose result is asserted) and shows a look-alike that stays quiet
/// (`findings(.., "id").is_empty()`); `rules.rs` checks that for every migration rule.
pub fn covers(id: &str) -> bool {
    let source = include_str!("migrations.rs");
    let fires = format!("findings(&catalog, \"{id}\");");
    let fires_fresh = format!("findings(&load(dir.path()), \"{id}\");");
    let quiet = format!("\"{id}\").is_empty()");
    (source.contains(&fires) || source.contains(&fires_fresh)) && source.contains(&quiet)
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

fn load(dir: &Path) -> Catalog {
    pglens::source::sqlfiles::load(&[dir.to_path_buf()]).expect("folder loads")
}

fn findings(catalog: &Catalog, rule: &str) -> Vec<Finding> {
    audit::run(
        catalog,
        &Selection {
            only: vec![rule.into()],
            skip: vec![],
        },
    )
}

/// `file:line` of each finding, with the file's name only.
fn places(found: &[Finding]) -> Vec<String> {
    let mut p: Vec<String> = found
        .iter()
        .map(|f| {
            let path = f.object.name.clone().unwrap_or_default();
            Path::new(&path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    p.sort();
    p
}

/// Replaces the statement a finding points at with its fix, as a person would.
fn apply_fix_to_file(dir: &Path, f: &Finding, statement_text: &str) {
    let path = f
        .object
        .name
        .as_deref()
        .unwrap()
        .rsplit_once(':')
        .unwrap()
        .0
        .to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed = f.fix.as_ref().expect("a fix").script();
    assert!(text.contains(statement_text), "{statement_text} in {path}");
    std::fs::write(&path, text.replacen(statement_text, &fixed, 1)).unwrap();
    let _ = dir;
}

fn statement_at(catalog: &Catalog, f: &Finding) -> String {
    let place = f.object.name.clone().unwrap();
    let (file, line) = place.rsplit_once(':').unwrap();
    statement_text(catalog, file, line)
}

/// The text of the statement at `file`:`line` of the catalog's migrations.
fn statement_text(catalog: &Catalog, file: &str, line: &str) -> String {
    catalog
        .migrations
        .as_ref()
        .unwrap()
        .statements
        .iter()
        .find(|s| s.location.file == file && s.location.line.to_string() == line)
        .map(|s| s.text.clone())
        .expect("the statement")
}

#[test]
fn statement_failed_reports_what_does_not_apply_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "001_init.sql",
            "CREATE TABLE a (id int PRIMARY KEY);\nCREATE INDEX ON missing_table (x);\nCREATE TABLE b (id int,,);\nCREATE TABLE c (id int);\nCREATE TYPE floatrange AS RANGE (subtype = float8);\n",
        )],
    );
    let catalog = load(dir.path());
    let found = findings(&catalog, "migration-statement-failed");
    assert_eq!(
        places(&found),
        ["001_init.sql:2", "001_init.sql:3", "001_init.sql:5"]
    );
    // What fails on a server is a warning; what pglens does not model, only info.
    let severities: Vec<Severity> = found.iter().map(|f| f.severity).collect();
    assert_eq!(
        severities,
        [Severity::Warning, Severity::Warning, Severity::Info]
    );
    assert!(found[2].message.contains("is not modelled by pglens"));
    assert!(
        found[0].message.contains("missing_table does not exist"),
        "{}",
        found[0].message
    );
    assert!(
        catalog.relation("public", "c").is_some(),
        "the rest of the file applied"
    );
    assert!(catalog.relation("public", "a").is_some());

    // Look-alikes: an index on a table a later statement of the same file creates, and a
    // statement that is merely unusual, both apply.
    write(
        dir.path(),
        &[(
            "001_init.sql",
            "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (x int);\nCREATE INDEX ON b (x);\nCOMMENT ON TABLE a IS 'ok';\n",
        )],
    );
    let catalog = load(dir.path());
    assert!(findings(&catalog, "migration-statement-failed").is_empty());
}

#[tokio::test]
async fn not_rerunnable_statements_get_their_guarded_form() {
    let dir = tempfile::tempdir().unwrap();
    let init = "CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY, user_id uuid);\n\
                ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n\
                CREATE POLICY own ON notes USING (true);\n\
                DROP POLICY IF EXISTS guarded ON notes;\n\
                CREATE POLICY guarded ON notes USING (true);\n\
                CREATE INDEX ON notes (user_id);\n\
                CREATE TABLE other (id int);\n";
    // The same habit in a script without a version prefix, which is run again on purpose.
    let script = "CREATE TABLE IF NOT EXISTS tags (id int PRIMARY KEY);\n\
                  ALTER TABLE tags ENABLE ROW LEVEL SECURITY;\n\
                  CREATE POLICY read_tags ON tags USING (true);\n";
    write(
        dir.path(),
        &[
            ("001_init.sql", init),
            (
                "002_plain.sql",
                "CREATE TABLE plain (id int);\nCREATE POLICY p ON plain USING (true);\n",
            ),
            ("policies.sql", script),
            (
                "003_marked.sql",
                "-- pglens: rerunnable\nCREATE TABLE marked (id int);\n",
            ),
        ],
    );
    let catalog = load(dir.path());
    let found = findings(&catalog, "migration-not-rerunnable");
    // One finding per file, at its first unguarded statement.
    assert_eq!(
        places(&found),
        ["001_init.sql:3", "003_marked.sql:2", "policies.sql:3"]
    );
    let severity_of = |place: &str| {
        found
            .iter()
            .find(|f| f.object.name.as_deref().is_some_and(|n| n.ends_with(place)))
            .map(|f| f.severity)
    };
    // The versioned migration is applied once by its tool: info. The script and the file
    // that says so are meant to run again: warning.
    assert_eq!(severity_of("001_init.sql:3"), Some(audit::Severity::Info));
    assert_eq!(
        severity_of("policies.sql:3"),
        Some(audit::Severity::Warning)
    );
    assert_eq!(
        severity_of("003_marked.sql:2"),
        Some(audit::Severity::Warning)
    );
    let init_finding = found
        .iter()
        .find(|f| {
            f.object
                .name
                .as_deref()
                .is_some_and(|n| n.ends_with("001_init.sql:3"))
        })
        .unwrap();
    assert!(
        init_finding.message.starts_with("3 statements fail when the file runs again: CREATE POLICY public.notes.own (line 3), CREATE INDEX"),
        "{}",
        init_finding.message
    );
    for f in &found {
        apply_per_line_fix(&catalog, f);
    }
    let fixed = std::fs::read_to_string(dir.path().join("001_init.sql")).unwrap();
    assert!(
        fixed.contains("DROP POLICY IF EXISTS own ON public.notes;"),
        "{fixed}"
    );
    assert!(
        fixed.contains("CREATE INDEX IF NOT EXISTS notes_user_id_idx ON notes (user_id);"),
        "{fixed}"
    );
    assert!(findings(&load(dir.path()), "migration-not-rerunnable").is_empty());
    // The point of it: the fixed files run twice on a real server.
    let db = TestDb::new("rerun").await;
    for name in ["001_init.sql", "policies.sql", "003_marked.sql"] {
        let fixed = std::fs::read_to_string(dir.path().join(name)).unwrap();
        db.exec(&fixed).await;
        db.exec(&fixed).await;
    }
}

/// Carries out a fix made of `-- line N` parts, as a person would: each part replaces the
/// statement of its file at line N.
fn apply_per_line_fix(catalog: &Catalog, f: &Finding) {
    let place = f.object.name.as_deref().unwrap();
    let file = place.rsplit_once(':').unwrap().0;
    let script = f.fix.as_ref().expect("a fix").script();
    let mut text = std::fs::read_to_string(file).unwrap();
    for part in script.split("-- line ").skip(1) {
        let (line, replacement) = part.split_once('\n').unwrap();
        let original = statement_text(catalog, file, line);
        assert!(text.contains(&original), "{original} in {file}");
        text = text.replacen(&original, replacement.trim_end(), 1);
    }
    std::fs::write(file, text).unwrap();
}

#[test]
fn duplicate_definitions_across_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("005_connections.sql", "CREATE TABLE IF NOT EXISTS platform_connections (id uuid PRIMARY KEY, platform text);\n"),
            (
                "007_oauth.sql",
                "CREATE TABLE IF NOT EXISTS platform_connections (id uuid PRIMARY KEY, provider text);\nCREATE TABLE tokens (id int);\n",
            ),
        ],
    );
    let found = findings(&load(dir.path()), "migration-duplicate-definition");
    assert_eq!(places(&found), ["007_oauth.sql:1"]);
    assert!(
        found[0]
            .message
            .contains("005_connections.sql:1 created it first"),
        "{}",
        found[0].message
    );
    // Resolving it: the second file alters instead of creating.
    write(dir.path(), &[("007_oauth.sql", "ALTER TABLE platform_connections ADD COLUMN provider text;\nCREATE TABLE tokens (id int);\n")]);
    assert!(findings(&load(dir.path()), "migration-duplicate-definition").is_empty());
}

/// Dropping an object and creating it again is a redefinition on purpose, as is
/// `CREATE OR REPLACE`; an overload is another function. A plain second CREATE is reported
/// against the definition it repeats.
#[test]
fn an_object_dropped_before_it_is_created_again_is_no_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "001_base.sql",
                "CREATE TABLE t (id int);\nCREATE VIEW v AS SELECT id FROM t;\nCREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';\n",
            ),
            (
                "002_again.sql",
                "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT id, 1 AS one FROM t;\nDROP FUNCTION f(int);\nCREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 1';\nCREATE FUNCTION f(a text) RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
            ),
            // An update on purpose, then a plain second copy of the updated view.
            ("003_update.sql", "CREATE OR REPLACE VIEW v AS SELECT id, 2 AS one FROM t;\n"),
            ("004_copy.sql", "DROP TABLE IF EXISTS scratch;\nCREATE VIEW v AS SELECT id FROM t;\n"),
        ],
    );
    let found = findings(&load(dir.path()), "migration-duplicate-definition");
    assert_eq!(places(&found), ["004_copy.sql:2"], "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("003_update.sql:1 created it first"),
        "{}",
        found[0].message
    );
}

/// In the platform's schemas, what no file creates (and the baseline lacks) is assumed, so
/// the statement applies, and said; in the application's own schema it is a failure.
#[test]
fn platform_objects_no_file_creates_are_assumed_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    write(
        dir.path(),
        &[("supabase/config.toml", "project_id = \"mfa\"\n")],
    );
    write(
        &migrations,
        &[(
            "20240101000000_mfa.sql",
            "create table public.factor_audit (id bigint primary key, factor_id uuid references auth.mfa_factors (id), secret text);\n\
             create trigger encrypt_secret before insert on public.factor_audit for each row execute function pgsodium.trg_encrypt();\n\
             create table public.orphans (id bigint primary key, parent_id bigint references public.parents (id));\n",
        )],
    );
    let catalog = load(dir.path());
    let assumed = findings(&catalog, "migration-assumed-object");
    assert_eq!(
        places(&assumed),
        ["20240101000000_mfa.sql:1", "20240101000000_mfa.sql:2"]
    );
    assert!(
        assumed[0].message.contains("table auth.mfa_factors"),
        "{}",
        assumed[0].message
    );
    assert!(
        assumed[1]
            .message
            .contains("function pgsodium.trg_encrypt()"),
        "{}",
        assumed[1].message
    );
    let failed = findings(&catalog, "migration-statement-failed");
    assert_eq!(places(&failed), ["20240101000000_mfa.sql:3"], "{failed:#?}");
    let table = catalog.relation("public", "factor_audit").unwrap();
    assert_eq!(table.foreign_keys().count(), 1);
    assert_eq!(table.triggers.len(), 1);
    // The look-alike in the application's own schema is not assumed: it fails.
    let own = tempfile::tempdir().unwrap();
    write(
        own.path(),
        &[(
            "001_app.sql",
            "create schema app;\ncreate table app.items (id bigint primary key, factor_id uuid references app.factors (id));\n\
             create trigger t before insert on app.items for each row execute function app.stamp();\n",
        )],
    );
    assert!(findings(&load(own.path()), "migration-assumed-object").is_empty());
    assert_eq!(
        places(&findings(&load(own.path()), "migration-statement-failed")),
        ["001_app.sql:2", "001_app.sql:3"]
    );
    // The stand-ins are the platform's: no finding is about them.
    let all = audit::run(&catalog, &Selection::default());
    assert!(
        !all.iter()
            .any(|f| f.key.contains("mfa_factors") || f.key.contains("trg_encrypt")),
        "{:#?}",
        all.iter().map(|f| &f.key).collect::<Vec<_>>()
    );
}

#[test]
fn files_sharing_a_number_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("007_a.sql", "CREATE TABLE a (id int);\n"),
            ("007_b.sql", "CREATE TABLE b (id int);\n"),
            ("008_c.sql", "CREATE TABLE c (id int);\n"),
        ],
    );
    let found = findings(&load(dir.path()), "migration-number-conflict");
    assert_eq!(places(&found), ["007_b.sql:1"]);
    std::fs::rename(dir.path().join("007_b.sql"), dir.path().join("009_b.sql")).unwrap();
    assert!(findings(&load(dir.path()), "migration-number-conflict").is_empty());
    // Across folders given together (seed 003: server/ and supabase/ migrations).
    let other = tempfile::tempdir().unwrap();
    write(
        other.path(),
        &[("0007_server.sql", "CREATE TABLE d (id int);\n")],
    );
    let both =
        pglens::source::sqlfiles::load(&[dir.path().to_path_buf(), other.path().to_path_buf()])
            .unwrap();
    let found = findings(&both, "migration-number-conflict");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].message.contains("0007_server.sql") && found[0].message.contains("007_a.sql"),
        "{}",
        found[0].message
    );
}

/// Bad input: an empty folder, a file that is not text, a folder that does not exist.
#[test]
fn bad_folders_and_files_are_clear_errors() {
    let (code, _, err) = crate::run_pglens(&["audit", "/nonexistent/migrations"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/migrations"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = crate::run_pglens(&["audit", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("has no .sql files"), "{err}");
    std::fs::write(
        empty.path().join("001_binary.sql"),
        [0xff_u8, 0xfe, 0x00, 0x41],
    )
    .unwrap();
    let (code, _, err) = crate::run_pglens(&["audit", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read") && err.contains("001_binary.sql"),
        "{err}"
    );
}

#[tokio::test]
async fn indexes_on_existing_tables_are_built_concurrently() {
    let dir = tempfile::tempdir().unwrap();
    let create = "CREATE TABLE leads (id int PRIMARY KEY, status text);\nCREATE INDEX leads_fresh ON leads (id);\n";
    write(
        dir.path(),
        &[
            ("001_leads.sql", create),
            ("002_indexes.sql", "CREATE INDEX leads_status ON leads (status);\nCREATE INDEX CONCURRENTLY leads_id2 ON leads (id);\n"),
        ],
    );
    let catalog = load(dir.path());
    let found = findings(&catalog, "migration-index-without-concurrently");
    assert_eq!(places(&found), ["002_indexes.sql:1"]);
    let fix = found[0].fix.as_ref().unwrap();
    assert!(fix.statements[0].outside_transaction);
    let db = TestDb::new("concurrently").await;
    db.exec(create).await;
    db.exec("INSERT INTO leads SELECT g, 'new' FROM generate_series(1, 100) g")
        .await;
    db.exec(&fix.statements[0].sql).await;
    apply_fix_to_file(dir.path(), &found[0], &statement_at(&catalog, &found[0]));
    assert!(findings(&load(dir.path()), "migration-index-without-concurrently").is_empty());
}

#[tokio::test]
async fn unsafe_column_changes_get_the_safe_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let create = "CREATE TABLE leads (id int PRIMARY KEY, score int);\nALTER TABLE leads ADD COLUMN fresh int NOT NULL;\n";
    write(
        dir.path(),
        &[
            ("001_leads.sql", create),
            (
                "002_change.sql",
                "ALTER TABLE leads ADD COLUMN tenant_id uuid NOT NULL;\nALTER TABLE leads ALTER COLUMN score TYPE bigint;\nALTER TABLE leads ADD COLUMN note text NOT NULL DEFAULT '';\n",
            ),
        ],
    );
    let catalog = load(dir.path());
    let found = findings(&catalog, "migration-unsafe-column-change");
    assert_eq!(places(&found), ["002_change.sql:1", "002_change.sql:2"]);
    // On a table with rows, the safe pattern runs (with the backfill value filled in).
    let db = TestDb::new("columnchange").await;
    db.exec(create).await;
    db.exec("INSERT INTO leads SELECT g, g, g FROM generate_series(1, 10) g")
        .await;
    for f in &found {
        let script = f.fix.as_ref().unwrap().script().replace(
            "NULL /* the value existing rows should have */",
            "gen_random_uuid()",
        );
        db.exec(&script).await;
    }
    let row = db
        .client
        .query_one("SELECT count(*) FROM leads WHERE tenant_id IS NOT NULL AND pg_typeof(score) = 'bigint'::regtype", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 10);
    // Written the safe way in the migration, nothing is reported.
    write(
        dir.path(),
        &[(
            "002_change.sql",
            "ALTER TABLE leads ADD COLUMN tenant_id uuid;\nALTER TABLE leads ADD COLUMN note text NOT NULL DEFAULT '';\n",
        )],
    );
    assert!(findings(&load(dir.path()), "migration-unsafe-column-change").is_empty());
}

/// Type changes PostgreSQL makes in its catalog alone (a Django `max_length` grown, varchar to
/// text, more numeric digits) are not reported: on a real server the table and its index keep
/// their files. A narrowing and a `USING` still are.
#[tokio::test]
async fn type_changes_that_rewrite_nothing_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let create = "CREATE TABLE users (id int PRIMARY KEY, email varchar(100) UNIQUE, bio varchar(500), total numeric(10,2), code varchar(20));\n";
    let widen = "ALTER TABLE users ALTER COLUMN email TYPE varchar(254);\n\
                 ALTER TABLE users ALTER COLUMN bio TYPE text;\n\
                 ALTER TABLE users ALTER COLUMN total TYPE numeric(12,2);\n";
    let rewrite = "ALTER TABLE users ALTER COLUMN code TYPE varchar(10);\n\
                   ALTER TABLE users ALTER COLUMN email TYPE varchar(300) USING lower(email);\n";
    write(
        dir.path(),
        &[
            ("001_users.sql", create),
            ("002_widen.sql", widen),
            ("003_narrow.sql", rewrite),
        ],
    );
    let found = findings(&load(dir.path()), "migration-unsafe-column-change");
    assert_eq!(places(&found), ["003_narrow.sql:1", "003_narrow.sql:2"]);

    let db = TestDb::new("widen_in_place").await;
    db.exec(create).await;
    db.exec("INSERT INTO users SELECT g, g || '@example.com', 'hi', g, 'c' FROM generate_series(1, 100) g")
        .await;
    let files = "SELECT pg_relation_filenode('users')::text || '/' || pg_relation_filenode('users_email_key')::text";
    let before: String = db.client.query_one(files, &[]).await.unwrap().get(0);
    db.exec(widen).await;
    let after: String = db.client.query_one(files, &[]).await.unwrap().get(0);
    assert_eq!(before, after, "the widening rewrote nothing");
}

/// A file where guards are the exception (a platform stand-in, an idiomatic `CREATE OR
/// REPLACE FUNCTION`) is not written to be run twice: its unguarded statements are normal.
#[test]
fn a_guard_here_and_there_does_not_make_a_file_rerunnable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "001_app.sql",
            "CREATE SCHEMA IF NOT EXISTS auth;\n\
             CREATE TABLE a (id int PRIMARY KEY);\n\
             CREATE TABLE b (id int PRIMARY KEY);\n\
             CREATE TABLE c (id int PRIMARY KEY);\n\
             CREATE INDEX ON b (id);\n\
             CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n\
             CREATE POLICY p ON a USING (true);\n",
        )],
    );
    assert!(findings(&load(dir.path()), "migration-not-rerunnable").is_empty());
}

/// The CLI applies its folder in file-name order: an 8-digit version after a 14-digit one
/// whose name sorts first, though its number is smaller.
#[test]
fn a_supabase_cli_folder_applies_in_file_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    write(
        dir.path(),
        &[("supabase/config.toml", "project_id = \"x\"\n")],
    );
    write(
        &migrations,
        &[
            (
                "20250922000000_create.sql",
                "CREATE TABLE public.t (id int);\n",
            ),
            (
                "20251212_alter.sql",
                "ALTER TABLE public.t ADD COLUMN x int;\n",
            ),
        ],
    );
    let catalog = load(dir.path());
    let m = catalog.migrations.unwrap();
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert!(
        m.files[0].ends_with("20250922000000_create.sql"),
        "{:?}",
        m.files
    );
}

/// In a Supabase project, a file the CLI skips for its name is reported and left out of the
/// model, as it is left out of every database the CLI builds; the same names in a plain
/// folder apply as usual.
#[test]
fn files_the_supabase_cli_skips_are_reported_and_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        dir.path().join("supabase/config.toml"),
        "project_id = \"x\"\n",
    )
    .unwrap();
    write(
        &migrations,
        &[
            (
                "20240101120000_notes.sql",
                "CREATE TABLE notes (id bigint PRIMARY KEY);\n",
            ),
            (
                "add_rls.sql",
                "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n",
            ),
        ],
    );
    let catalog = load(dir.path());
    let found = findings(&catalog, "migration-file-not-applied");
    assert_eq!(places(&found), ["add_rls.sql:1"]);
    let notes = catalog.relation("public", "notes").unwrap();
    assert!(!notes.rls_enabled, "the skipped file was applied");
    // Renamed as the CLI wants it, it applies and the finding is gone.
    std::fs::rename(
        migrations.join("add_rls.sql"),
        migrations.join("20240102120000_add_rls.sql"),
    )
    .unwrap();
    let renamed = load(dir.path());
    assert!(findings(&renamed, "migration-file-not-applied").is_empty());
    assert!(renamed.relation("public", "notes").unwrap().rls_enabled);
    // A plain folder has no such naming rule.
    let plain = tempfile::tempdir().unwrap();
    write(
        plain.path(),
        &[
            (
                "001_notes.sql",
                "CREATE TABLE notes (id bigint PRIMARY KEY);\n",
            ),
            (
                "add_rls.sql",
                "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n",
            ),
        ],
    );
    let catalog = load(plain.path());
    assert!(findings(&catalog, "migration-file-not-applied").is_empty());
}
