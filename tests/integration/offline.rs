//! The offline source against the real thing: SQL applied to PostgreSQL and read back must
//! equal the same SQL read from files by pglens. Every difference is a bug in the offline
//! source.
//!
//! Set aside, on both sides, and only these:
//! - what only a server has: statistics, sizes, owners, extension objects (`diff` skips
//!   them), and view column types (they need the planner);
//! - the server's formatting of expressions: the casts it adds (`'x'::text`), parentheses,
//!   whitespace, case, `IN (...)` printed as `= ANY (ARRAY[...])`, `LIKE` printed as `~~`,
//!   the column aliases it
//!   adds to sub-selects and the table name it puts before columns. Expressions are
//!   compared as `pglens diff` compares them, its `formatting_only` differences set aside;
//! - partitions' identity columns, which depend on the server's version (17+).

use std::path::PathBuf;

use pglens::diff;
use pglens::model::Catalog;

use crate::common::TestDb;

/// The demo's files, as the harness applies them to a server of this version.
fn demo_files(live: &Catalog) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut files = vec![dir.join("supabase_stubs.sql"), dir.join("schema.sql")];
    if live.has(pglens::model::version::Feature::SecurityInvoker) {
        files.push(dir.join("security_invoker.sql"));
    }
    files
}

/// Removes what only a server knows or decides, from either side.
fn comparable(mut c: Catalog) -> Catalog {
    for r in &mut c.relations {
        if r.kind.is_view() {
            r.columns.clear();
        }
        if r.partition_of.is_some() {
            r.columns.iter_mut().for_each(|col| col.identity = None);
        }
    }
    c
}

/// Differences between the live and the offline model, as lines a person can read.
fn differences(live: &Catalog, offline: &Catalog) -> Vec<String> {
    diff::diff(live, offline)
        .iter()
        .filter(|d| !d.formatting_only)
        .map(|d| {
            format!(
                "{:?} {} {}\n    live:    {}\n    offline: {}",
                d.change,
                d.kind,
                d.path(),
                d.old.as_deref().unwrap_or("-"),
                d.new.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

/// What `diff` does not describe, compared field by field: triggers, what views read,
/// comments, grants to the API roles, enums, domains and sequences.
fn other_differences(live: &Catalog, offline: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let mut same = |what: String, a: String, b: String| {
        if a != b {
            out.push(format!("{what}\n    live:    {a}\n    offline: {b}"));
        }
    };
    for r in live.relations.iter().filter(|r| r.extension.is_none()) {
        let Some(o) = offline.relation(&r.schema, &r.name) else {
            continue;
        };
        let q = r.qualified_name();
        let triggers = |x: &pglens::model::Relation| {
            format!(
                "{:?}",
                x.triggers
                    .iter()
                    .map(|t| (
                        &t.name,
                        t.timing,
                        &t.events,
                        t.level,
                        &t.function,
                        t.enabled
                    ))
                    .collect::<Vec<_>>()
            )
        };
        same(format!("triggers of {q}"), triggers(r), triggers(o));
        same(
            format!("reads of {q}"),
            format!("{:?}", r.reads),
            format!("{:?}", o.reads),
        );
        same(
            format!("comment of {q}"),
            format!("{:?}", r.comment),
            format!("{:?}", o.comment),
        );
        same(
            format!("grants of {q}"),
            format!("{:?}", r.grants),
            format!("{:?}", o.grants),
        );
        for c in &r.columns {
            if let Some(oc) = o.column(&c.name) {
                same(
                    format!("comment of {q}.{}", c.name),
                    format!("{:?}", c.comment),
                    format!("{:?}", oc.comment),
                );
                same(
                    format!("type kind of {q}.{}", c.name),
                    format!("{:?}", c.type_kind),
                    format!("{:?}", oc.type_kind),
                );
            }
        }
    }
    for f in live.functions.iter().filter(|f| f.extension.is_none()) {
        let o = offline.functions.iter().find(|x| {
            x.schema == f.schema && x.name == f.name && x.identity_arguments == f.identity_arguments
        });
        if let Some(o) = o {
            let key = |x: &pglens::model::Function| {
                format!(
                    "{:?} {:?} {} {:?} {:?}",
                    x.volatility, x.kind, x.security_definer, x.config, x.grants
                )
            };
            same(format!("function {}.{}", f.schema, f.name), key(f), key(o));
        }
    }
    let enums = |c: &Catalog| {
        format!(
            "{:?}",
            c.enums
                .iter()
                .map(|e| (&e.schema, &e.name, &e.labels))
                .collect::<Vec<_>>()
        )
    };
    same("enums".into(), enums(live), enums(offline));
    let domains = |c: &Catalog| {
        format!(
            "{:?}",
            c.domains
                .iter()
                .map(|d| (&d.schema, &d.name, &d.base_type, d.not_null))
                .collect::<Vec<_>>()
        )
    };
    same("domains".into(), domains(live), domains(offline));
    let sequences = |c: &Catalog| {
        format!(
            "{:?}",
            c.sequences
                .iter()
                .filter(|s| s.schema != "extensions")
                .map(|s| (&s.schema, &s.name, &s.owned_by))
                .collect::<Vec<_>>()
        )
    };
    same("sequences".into(), sequences(live), sequences(offline));
    out
}

#[tokio::test]
async fn the_demo_reads_the_same_offline_as_applied() {
    let db = TestDb::with_demo("offline").await;
    let live = db.introspect().await;
    let offline = pglens::source::sqlfiles::load(&demo_files(&live)).expect("demo files load");
    let problems = &offline.migrations.as_ref().unwrap().problems;
    assert!(problems.is_empty(), "{problems:#?}");
    let (live, offline) = (comparable(live), comparable(offline));
    let mut found = differences(&live, &offline);
    found.extend(other_differences(&live, &offline));
    assert!(
        found.is_empty(),
        "{} differences:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Every statement kind the offline source applies (creates, alters, renames, drops, guarded
/// re-runs, policies, functions replaced, triggers, views replaced, comments, partitions),
/// read both ways.
#[tokio::test]
async fn every_statement_kind_reads_the_same_offline_as_applied() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let db = TestDb::new("fidelity").await;
    for f in &files {
        db.exec(&std::fs::read_to_string(f).unwrap()).await;
    }
    let live = comparable(db.introspect().await);
    let offline = pglens::source::sqlfiles::load(&[dir]).expect("fixture loads");
    let m = offline.migrations.as_ref().unwrap();
    assert!(m.problems.is_empty(), "{:#?}", m.problems);
    assert_eq!(
        m.statements
            .iter()
            .filter(|s| s.skipped)
            .map(|s| s.command.as_str())
            .collect::<Vec<_>>(),
        ["INSERT", "DO"],
        "data statements and DO blocks are recorded and skipped"
    );
    let offline = comparable(offline);
    let mut found = differences(&live, &offline);
    found.extend(other_differences(&live, &offline));
    assert!(
        found.is_empty(),
        "{} differences:\n{}",
        found.len(),
        found.join("\n")
    );
    let accounts = offline.relation("app", "accounts").unwrap();
    let at = |l: &pglens::model::Location| {
        format!(
            "{}:{}",
            std::path::Path::new(&l.file)
                .file_name()
                .unwrap()
                .to_string_lossy(),
            l.line
        )
    };
    assert_eq!(
        at(accounts.provenance.defined.as_ref().unwrap()),
        "001_base.sql:7"
    );
    assert_eq!(
        accounts
            .provenance
            .altered
            .iter()
            .map(at)
            .collect::<Vec<_>>(),
        [
            "002_alter.sql:1",
            "002_alter.sql:2",
            "002_alter.sql:3",
            "002_alter.sql:4",
            "002_alter.sql:5",
            "002_alter.sql:6",
            "002_alter.sql:11"
        ]
    );
}

/// Rules that read the server's statistics (scans, rows, sizes), which files do not have.
const STATISTICS_RULES: &[&str] = &[
    "unused-table",
    "unused-index",
    "large-jsonb-column-without-gin",
];

/// A Supabase project's folder opened as it is, with no stubs: its `config.toml` brings the
/// platform baseline in first, so `REFERENCES auth.users`, triggers on auth.users and
/// policies on storage.objects apply. It must read the same as a database that has the
/// platform (the baseline, then the migrations), and both must audit alike.
#[tokio::test]
async fn a_supabase_project_reads_offline_as_applied_on_the_platform() {
    reads_as_applied_on_the_platform("supabase_project", 3).await;
}

/// A kit's own schema (enums made in DO blocks, security definer helpers the policies call,
/// a trigger on auth.users, RPC functions in public) and its files in Storage.
#[tokio::test]
async fn a_supabase_accounts_kit_reads_offline_as_applied_on_the_platform() {
    reads_as_applied_on_the_platform("supabase_accounts", 3).await;
}

/// A finance app's schema as `supabase db diff` dumps it (quoted names, owners, per-role
/// grants, owned sequences, a generated column, moddatetime), then hand-written files:
/// Storage folders per team, a composite type an RPC returns, a Realtime topic policy.
#[tokio::test]
async fn a_db_diff_dumped_project_reads_offline_as_applied_on_the_platform() {
    reads_as_applied_on_the_platform("supabase_workspaces", 3).await;
}

/// Roles as generated apps write them (a `has_role()` security definer, a trigger on
/// auth.users), files in name order with mixed version lengths, guarded DO blocks, and the
/// role enum replaced as `supabase db diff` does it, CASCADE taking its policies along.
#[tokio::test]
async fn a_roles_project_reads_offline_as_applied_on_the_platform() {
    reads_as_applied_on_the_platform("supabase_roles", 3).await;
}

/// A workflow engine in its own exposed schema: a composite type extended later, overloads
/// replaced by signature, a Realtime broadcast trigger, a table moved to another schema, a
/// function renamed, and a foreign table on a reporting server.
#[tokio::test]
async fn a_workflow_schema_reads_offline_as_applied_on_the_platform() {
    reads_as_applied_on_the_platform("supabase_flows", 3).await;
}

/// The project `tests/fixtures/NAME` read offline (on the baseline) and applied to a server
/// after the baseline: no statement fails, the schemas are equal, and so are the audits
/// (migration and statistics rules aside).
async fn reads_as_applied_on_the_platform(name: &str, files: usize) {
    // Supabase runs PostgreSQL 15 and later; the fixtures' views use security_invoker (15+).
    let probe = TestDb::new("supabase_version").await.introspect().await;
    if probe.meta.server_version_num.unwrap_or(0) < 150_000 {
        eprintln!("skipped: Supabase projects need PostgreSQL 15 or later");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let project = root.join("tests/fixtures").join(name);
    let offline =
        pglens::source::sqlfiles::load(std::slice::from_ref(&project)).expect("the project loads");
    let m = offline.migrations.as_ref().unwrap();
    assert!(m.problems.is_empty(), "{:#?}", m.problems);
    assert_eq!(
        m.files.len(),
        files,
        "the migrations are read, seed.sql is not: {:?}",
        m.files
    );
    // The same from the project's supabase/ folder, where seed.sql sits beside migrations/.
    let from_supabase = pglens::source::sqlfiles::load(&[project.join("supabase")])
        .expect("the supabase folder loads");
    assert_eq!(
        from_supabase.migrations.as_ref().unwrap().files.len(),
        files,
        "{:?}",
        from_supabase.migrations.as_ref().unwrap().files
    );

    let migrations = project.join("supabase/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&migrations)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut sql = std::fs::read_to_string(root.join("assets/platform/supabase.sql")).unwrap();
    for f in &files {
        // Each migration starts on the project roles' search path, whatever the file
        // before it reset (a dump ends with RESET ALL).
        sql.push_str("\nSET search_path = \"$user\", public, extensions;\n");
        sql.push_str(&std::fs::read_to_string(f).unwrap());
    }
    // The platform tells PostgREST what config.toml's [api] schemas say through the
    // authenticator role, where introspection reads it.
    if let Some(exposed) = &offline.exposed_schemas {
        sql.push_str(&format!(
            "\nDO $$ BEGIN EXECUTE format('ALTER ROLE authenticator IN DATABASE %I SET pgrst.db_schemas = %L', current_database(), '{}'); END $$;\n",
            exposed.join(", ")
        ));
    }
    let db = TestDb::with_schema(name, &sql).await;
    let live = db.introspect().await;
    assert_eq!(live.exposed_schemas, offline.exposed_schemas);

    let audited = |c: &Catalog| {
        pglens::audit::run(c, &pglens::audit::Selection::default())
            .into_iter()
            // Migration files are audited as files; statistics exist only on a server.
            .filter(|f| !f.rule.starts_with("migration-") && !STATISTICS_RULES.contains(&f.rule))
            .map(|f| f.key)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (live_keys, offline_keys) = (audited(&live), audited(&offline));
    assert_eq!(
        live_keys.difference(&offline_keys).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "found live only"
    );
    assert_eq!(
        offline_keys.difference(&live_keys).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "found offline only"
    );

    // GRANT ALL means MAINTAIN too from PostgreSQL 17; files do not say which server runs them.
    let mut live = comparable(live);
    for r in &mut live.relations {
        for g in &mut r.grants {
            g.privileges.retain(|p| p != "MAINTAIN");
        }
    }
    let offline = comparable(offline);
    let mut found = differences(&live, &offline);
    found.extend(other_differences(&live, &offline));
    assert!(
        found.is_empty(),
        "{} differences:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The API rules see the schemas the project's `config.toml` exposes: a table in `api`
/// without RLS is open to the world when `[api] schemas` lists `api`, and nobody's business
/// when it does not.
#[test]
fn the_cli_config_decides_which_schemas_the_api_exposes() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("20240101000000_api.sql"),
        "CREATE SCHEMA api;\nCREATE TABLE api.secrets (id bigint PRIMARY KEY, token text);\n",
    )
    .unwrap();
    let rls_findings = |schemas: &str| {
        std::fs::write(
            dir.path().join("supabase/config.toml"),
            format!("project_id = \"x\"\n[api]\nschemas = {schemas}\n"),
        )
        .unwrap();
        let catalog = pglens::source::sqlfiles::load(&[dir.path().to_path_buf()]).unwrap();
        pglens::audit::run(&catalog, &pglens::audit::Selection::default())
            .into_iter()
            .filter(|f| f.rule == "rls-disabled-in-exposed-schema")
            .map(|f| f.key)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rls_findings(r#"["public", "api"]"#),
        ["rls-disabled-in-exposed-schema:table:api.secrets"]
    );
    assert!(rls_findings(r#"["public"]"#).is_empty());
}
