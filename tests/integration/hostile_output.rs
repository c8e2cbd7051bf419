//! What pglens writes around hostile names: a copied fix script whose comments cannot carry
//! statements, terminal and Markdown output that never passes a control byte through, and
//! backups that cannot collide, so a drop never runs without its copy.
//!
//! The property test renders every output for generated names, comments and policy
//! expressions (newlines, carriage returns, quotes, `--`, `/*`, `$$`, OSC/CSI sequences,
//! bidi and zero-width characters, 63-byte names); the server tests run the scripts.

use std::path::Path;

use pglens::audit::{self, format, Finding, Selection};
use pglens::cleanup::{self, Decision, Mark, Plan};
use pglens::model::{Catalog, QualifiedName, TableStats};
use pglens::sql::{ident, literal, qualified};
use pglens::text::is_unsafe;
use proptest::prelude::*;

use crate::common::{server, TestDb};

/// Pieces hostile names are made of.
const PIECES: &[&str] = &[
    "a",
    "Upper",
    " ",
    "\n",
    "\r",
    "\t",
    "\"",
    "'",
    ";",
    "--",
    "/*",
    "*/",
    "$$",
    "\\",
    "\x1b]2;owned\x07",
    "\x1b[31m",
    "\u{9b}",
    "\u{202e}",
    "\u{200b}",
    "\u{2028}",
    "\u{7f}",
    "\r\n",
    "\nDROP TABLE public.victim; --",
    "é",
    "列",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(PIECES), 1..6).prop_map(|p| p.concat()),
        // 63 bytes, PostgreSQL's limit, with multi-byte characters at the end.
        Just(format!("{}\n{}", "x".repeat(58), "é é")),
    ]
}

/// The text without its fenced code blocks (a line of backticks opens one, the same
/// line closes it).
fn outside_code_blocks(text: &str) -> String {
    let mut fence: Option<String> = None;
    let mut out = String::new();
    for line in text.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(open) if line.trim_end() == open.as_str() => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Raw characters that must never reach a terminal or a Markdown file; `\n` and `\t` only
/// where the format has lines.
fn raw_unsafe(text: &str, lines: bool) -> Vec<char> {
    text.chars()
        .filter(|c| is_unsafe(*c) && !(lines && (*c == '\n' || *c == '\t')))
        .collect()
}

/// Drops pglens's own colour codes, so what remains must be free of escapes.
fn without_colour(text: &str) -> String {
    let mut out = text.to_string();
    for code in [
        "\x1b[0m",
        "\x1b[2m",
        "\x1b[1m",
        "\x1b[1;31m",
        "\x1b[33m",
        "\x1b[36m",
    ] {
        out = out.replace(code, "");
    }
    out
}

/// Every line of `sql` that starts with `--` is one whole comment to PostgreSQL's scanner
/// (or lies inside a string): a comment that ended early would let the rest of its line
/// run as SQL.
fn assert_comment_lines_are_whole(sql: &str) {
    let tokens = pg_query::scan(sql).expect("script scans").tokens;
    let comment = pg_query::protobuf::Token::SqlComment as i32;
    let mut offset = 0;
    for line in sql.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start().len();
        if body.trim_start().starts_with("--") {
            let at = offset + indent;
            let covering = tokens
                .iter()
                .find(|t| (t.start as usize) <= at && at < (t.end as usize));
            if let Some(t) = covering.filter(|t| t.token == comment) {
                assert!(
                    t.end as usize >= offset + body.len(),
                    "a comment ends before its line does:\n{body}\nin\n{sql}"
                );
            }
        }
        offset += line.len();
    }
}

/// The fix statements, exactly, are what the parser finds in the script.
fn assert_only_fix_statements(script: &str, findings: &[&Finding]) {
    let parsed: Vec<String> = pg_query::split_with_parser(script)
        .expect("script parses")
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let intended: Vec<String> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|f| f.statements.iter().map(|s| s.sql.trim().to_string()))
        .collect();
    assert_eq!(parsed, intended, "{script}");
}

/// A schema of three tables named from `names`, with a comment and a policy expression
/// from `text`, read by the offline source (PostgreSQL's own parser).
fn hostile_catalog(names: &[String], text: &str) -> Catalog {
    let dir = tempfile::tempdir().unwrap();
    let mut sql = String::from("CREATE ROLE anon; CREATE ROLE authenticated;\n");
    for (i, name) in names.iter().enumerate() {
        let schema = format!("s{i}{name}");
        let t = qualified(&schema, name);
        sql.push_str(&format!(
            "CREATE SCHEMA {s};\nCREATE TABLE {t} ({c} int, tags text[], updated_at timestamptz, email text);\n\
             COMMENT ON TABLE {t} IS {comment};\n\
             ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;\n\
             CREATE POLICY {p} ON {t} FOR UPDATE USING ({c} = length({comment}));\n\
             CREATE INDEX ON {t} ({c}) WHERE email <> {comment};\n",
            s = ident(&schema),
            c = ident(&format!("c{name}")),
            p = ident(&format!("p{text}")),
            comment = literal(text),
        ));
    }
    let file = dir.path().join("schema.sql");
    std::fs::write(&file, sql).unwrap();
    pglens::source::sqlfiles::load(&[file]).expect("offline load")
}

fn drop_everything(catalog: &Catalog, note: &str) -> Plan {
    let mut plan = Plan::default();
    for t in catalog.tables() {
        let mark = Mark {
            decision: Decision::Drop,
            note: note.to_string(),
        };
        plan.set(QualifiedName::new(&t.schema, &t.name), Some(mark));
    }
    plan
}

/// Every tab of the first table, as the explorer draws it at 160x48, one screen after
/// another.
fn explorer_screens(catalog: Catalog, findings: Vec<Finding>) -> String {
    use crate::explorer::{screen, type_text};
    use pglens::tui::action::Action;
    use pglens::tui::model::Model;
    use pglens::tui::state::App;
    use pglens::tui::tab::Tab;
    let first = catalog
        .tables()
        .next()
        .map(|t| format!("{}.{}", t.schema, t.name));
    let mut app = App::new("hostile".into());
    app.update(Action::Resize {
        width: 160,
        height: 48,
    });
    app.update(Action::Loaded(Box::new(Model::new(
        catalog,
        findings,
        pglens::categorize::CategoryConfig::default(),
    ))));
    if let Some(name) = first {
        app.update(Action::Search);
        type_text(&mut app, &name);
        app.update(Action::Enter);
    }
    (0..Tab::ALL.len())
        .map(|i| {
            app.update(Action::Tab(i as u8));
            screen(&app, 160, 48)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_output_is_inert(names in prop::collection::vec(hostile_text(), 1..4), text in hostile_text()) {
        let catalog = hostile_catalog(&names, &text);
        prop_assert_eq!(catalog.tables().count(), names.len(), "{:?}", catalog.migrations);
        let findings = audit::run(&catalog, &Selection::default());
        prop_assert!(!findings.is_empty());
        let report = format::Report { source: &text, findings: &findings, unused_ignores: std::slice::from_ref(&text), not_evaluated: &[] };

        for (label, out, lines) in [
            ("text", format::text(&report, false), true),
            ("text in colour", without_colour(&format::text(&report, true)), true),
            ("markdown", format::markdown(&report), true),
            ("json", format::json(&report), true),
            ("sarif", format::sarif(&report), true),
            ("summary", pglens::report::summary(&catalog), true),
            ("diff", pglens::diff::text(&pglens::diff::diff(&Catalog::default(), &catalog), None, &text, &text), true),
            ("diff markdown", pglens::diff::markdown(&pglens::diff::diff(&catalog, &Catalog::default()), None, &text, &text), true),
        ] {
            let raw = raw_unsafe(&out, lines);
            prop_assert!(raw.is_empty(), "{} carries raw {:?}:\n{}", label, raw, out);
            // A line break inside a name never starts a line of its own (in a fenced SQL
            // block a string may hold one: the fence keeps it SQL).
            prop_assert!(!outside_code_blocks(&out).contains("\nDROP TABLE public.victim"), "{} lets a name break its line:\n{}", label, out);
        }

        let all: Vec<&Finding> = findings.iter().collect();
        let script = format::fix_script(&all, &text, &text);
        prop_assert!(raw_unsafe(&script, true).is_empty(), "fix script carries raw characters:\n{}", script);
        assert_only_fix_statements(&script, &all);
        assert_comment_lines_are_whole(&script);

        let screens = explorer_screens(catalog.clone(), findings.clone());
        let raw = raw_unsafe(&screens, true);
        prop_assert!(raw.is_empty(), "the explorer shows raw {:?}:\n{}", raw, screens);

        let plan = drop_everything(&catalog, &text);
        let export = cleanup::export::export(&catalog, &plan, &text).expect("export");
        prop_assert!(raw_unsafe(&export.markdown, true).is_empty(), "plan markdown:\n{}", export.markdown);
        prop_assert!(!outside_code_blocks(&export.markdown).contains("\nDROP TABLE public.victim"), "plan markdown lets a name break its line:\n{}", export.markdown);
        prop_assert!(raw_unsafe(&export.sql, true).is_empty(), "plan script:\n{}", export.sql);
        assert_comment_lines_are_whole(&export.sql);
    }
}

/// psql, from the harness's server when it started one.
fn psql() -> std::path::PathBuf {
    server()
        .cluster
        .as_ref()
        .map(|c| c.bin.join("psql"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| "psql".into())
}

/// Runs a script file as a user pasting it would: psql without ON_ERROR_STOP, so a failed
/// statement does not stop the ones after it.
fn run_script(db: &TestDb, script: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("script.sql");
    std::fs::write(&file, script).unwrap();
    let out = std::process::Command::new(psql())
        .args(["-X", "-q", "-d", &db.conninfo(), "-f"])
        .arg(&file)
        .output()
        .expect("run psql");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn exists(db: &TestDb, schema: &str, table: &str) -> bool {
    db.client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2",
            &[&schema, &table],
        )
        .await
        .unwrap()
        .get::<_, i64>(0)
        == 1
}

async fn rows(db: &TestDb, table: &str) -> i64 {
    db.client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_copied_fix_script_runs_only_its_own_statements() {
    let db = TestDb::with_supabase("inject").await;
    let names = [
        "inj\nDROP TABLE public.victim; --",
        "cr\rDROP TABLE public.victim; --",
    ];
    db.exec(
        "CREATE TABLE public.victim (id int PRIMARY KEY); INSERT INTO public.victim VALUES (1);",
    )
    .await;
    for name in names {
        db.exec(&format!("CREATE TABLE public.{} (x int);", ident(name)))
            .await;
    }
    let catalog = db.introspect().await;
    let findings = audit::run(&catalog, &Selection::default());
    let mine: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.fix.is_some()
                && f.object
                    .table
                    .as_deref()
                    .is_some_and(|t| names.contains(&t))
        })
        .collect();
    assert!(mine.len() >= 2, "{findings:#?}");
    let script = format::fix_script(&mine, &catalog.meta.source_label, names[0]);
    assert_only_fix_statements(&script, &mine);
    let errors = run_script(&db, &script);
    assert!(exists(&db, "public", "victim").await, "{script}\n{errors}");
    assert_eq!(rows(&db, "public.victim").await, 1);
}

/// Marks the statistics of the named tables as never used, as a long-idle table's are.
/// Marks the tables as never used, over a month of statistics (the harness's server is
/// seconds old, and usage rules propose no DROP on statistics that young).
fn idle(catalog: &mut Catalog, tables: &[(&str, &str)]) {
    catalog.meta.stats_age_seconds = Some(30.0 * 86400.0);
    for r in catalog.relations.iter_mut() {
        if tables.contains(&(r.schema.as_str(), r.name.as_str())) {
            r.stats = Some(TableStats {
                seq_scans: Some(0),
                index_scans: Some(0),
                inserts: Some(0),
                updates: Some(0),
                deletes: Some(0),
                ..TableStats::default()
            });
        }
    }
}

/// Two tables whose schema and name joined by `_` read the same, 3 and 5 rows.
const LOOK_ALIKES: &str = "CREATE SCHEMA public_a;
    CREATE TABLE public.a_b (id int PRIMARY KEY); INSERT INTO public.a_b SELECT generate_series(1, 3);
    CREATE TABLE public_a.b (id int PRIMARY KEY); INSERT INTO public_a.b SELECT generate_series(1, 5);";

#[tokio::test]
async fn look_alike_tables_keep_separate_backups_and_no_drop_runs_without_one() {
    let db = TestDb::new("backups").await;
    db.exec(LOOK_ALIKES).await;
    db.exec(
        "CREATE TABLE public.kept (id int PRIMARY KEY); INSERT INTO public.kept VALUES (1), (2);
         CREATE SCHEMA pglens_backup;
         CREATE TABLE pglens_backup.\"public.kept\" (note text);",
    )
    .await;
    let mut catalog = db.introspect().await;
    let tables = [("public", "a_b"), ("public_a", "b"), ("public", "kept")];
    idle(&mut catalog, &tables);
    let selection = Selection {
        only: vec!["unused-table".into()],
        skip: vec![],
    };
    let findings = audit::run(&catalog, &selection);
    assert_eq!(findings.len(), 3, "{findings:#?}");
    let all: Vec<&Finding> = findings.iter().collect();
    let errors = run_script(&db, &format::fix_script(&all, "test", "unused"));

    // Both look-alikes are gone, each with its own rows in its own backup.
    assert!(!exists(&db, "public", "a_b").await && !exists(&db, "public_a", "b").await);
    assert_eq!(rows(&db, "pglens_backup.\"public.a_b\"").await, 3);
    assert_eq!(rows(&db, "pglens_backup.\"public_a.b\"").await, 5);
    // A backup that could not be made (the name was taken) stopped its drop.
    assert!(exists(&db, "public", "kept").await, "{errors}");
    assert_eq!(rows(&db, "public.kept").await, 2);
}

#[tokio::test]
async fn the_plan_backs_up_look_alike_tables_apart() {
    let db = TestDb::new("planbackups").await;
    db.exec(LOOK_ALIKES).await;
    let catalog = db.introspect().await;
    let plan = drop_everything(&catalog, "");
    let export = cleanup::export::export(&catalog, &plan, "plan.toml").unwrap();
    let errors = run_script(&db, &export.sql);
    assert!(!exists(&db, "public", "a_b").await, "{errors}");
    assert_eq!(rows(&db, "pglens_backup.\"public.a_b\"").await, 3);
    assert_eq!(rows(&db, "pglens_backup.\"public_a.b\"").await, 5);
}

#[test]
fn a_report_that_cannot_be_written_fails() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return;
    }
    for format in ["text", "json", "sarif", "markdown"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pglens"))
            .args(["audit", "--demo", "--format", format])
            .stdout(std::fs::File::create(full).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot write the output"), "{err}");
    }
}
