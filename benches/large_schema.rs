//! Benchmarks on a generated large schema (5,000 tables in 10 schemas by default,
//! `PGLENS_BENCH_TABLES` to change it; 60,000 columns, 15,000 indexes, 5,000 policies,
//! 4,990 foreign keys): introspecting it (next to `pg_dump --schema-only` of the same
//! database, printed as a yardstick), the real binary's first screen and memory
//! (`process.rs`), auditing its model with every rule (next to the audit of a 2,000-table
//! one, so a step that is not linear shows), what reading a recorded workload
//! (`pg_stat_statements`) adds to an introspection, and the explorer's keystrokes. Run with
//! `scripts/bench`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark fails loudly by design.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "large_schema/process.rs"]
mod process;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pglens::source::live::ConnParams;

/// The generated schema's size; `PGLENS_BENCH_TABLES=20000 scripts/bench` for a larger one.
fn tables() -> usize {
    std::env::var("PGLENS_BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000)
}

/// A database holding the generated schema of `tables` tables, analyzed.
async fn generated(tables: usize) -> common::TestDb {
    let db = common::TestDb::new("bench").await;
    let sql = include_str!("large_schema.sql").replace(":tables", &tables.to_string());
    db.exec(&sql).await;
    db.exec("ANALYZE").await;
    db
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    params: ConnParams,
    catalog: pglens::model::Catalog,
    /// The explorer with the schema loaded and a table open.
    app: std::sync::Mutex<pglens::tui::state::App>,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (params, catalog) = runtime.block_on(async {
        let db = generated(tables()).await;
        (db.params.clone(), db.introspect().await)
    });
    let counts = catalog.counts();
    println!(
        "schema: {} tables, {} columns, {} indexes, {} policies, {} foreign keys",
        counts.tables, counts.columns, counts.indexes, counts.policies, counts.foreign_keys
    );
    compare_with_pg_dump(&runtime, &params);
    let conninfo = common::conninfo_string(&params);
    process::explorer_first_frame(&conninfo, "grouped by categories");
    process::audit_json(&conninfo);
    let dump = dump_schema(&params);
    compare_offline_with_restore(&runtime, &dump);
    offline_scaling();
    audit_scaling(&runtime, &catalog);
    workload_cost(&runtime, &params);
    let findings = pglens::audit::run(&catalog, &pglens::audit::Selection::default());
    println!("audit: {} findings on the generated schema", findings.len());
    let app = explorer(&catalog, findings);
    let _ = FIXTURE.set(Fixture {
        runtime,
        params,
        catalog,
        app: std::sync::Mutex::new(app),
    });
    divan::main();
}

/// Times `pg_dump --schema-only` and pglens's introspection of the same database in
/// alternating rounds, so both see the same machine load, and prints both medians.
fn compare_with_pg_dump(runtime: &tokio::runtime::Runtime, params: &ConnParams) {
    let pg_dump = common::server()
        .cluster
        .as_ref()
        .map(|c| c.bin.join("pg_dump"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "pg_dump".into());
    let conninfo = common::conninfo_string(params);
    let mut dump_times = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let status = std::process::Command::new(&pg_dump)
            .args(["--schema-only", "--no-password", "-d", &conninfo])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run pg_dump");
        assert!(status.success(), "pg_dump failed");
        dump_times.push(start.elapsed());
        let start = Instant::now();
        runtime
            .block_on(pglens::source::live::load(params, &mut |_| {}))
            .expect("introspect");
        ours.push(start.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let (dump, mine) = (median(&mut dump_times), median(&mut ours));
    println!(
        "alternating rounds (7): pg_dump --schema-only median {dump:.0} ms, pglens introspection median {mine:.0} ms ({:.0}% of pg_dump)",
        100.0 * mine / dump
    );
}

/// What reading the recorded workload adds to an introspection: 600 distinct statements
/// over as many tables are recorded (more than the 500 pglens reads), then introspections
/// with the extension and without it alternate. The extension is dropped again, so the
/// figures after this one measure what they did before.
fn workload_cost(runtime: &tokio::runtime::Runtime, params: &ConnParams) {
    let client = runtime.block_on(common::connect_params(params));
    if !runtime.block_on(common::stat_statements_loaded(&client)) {
        println!("workload: skipped (the server does not load pg_stat_statements)");
        return;
    }
    let schemas = [
        "crm", "media", "content", "billing", "events", "auth_x", "ops", "sales", "support",
        "growth",
    ];
    let mut workload = String::from("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;");
    for i in 1..=600.min(tables()) {
        let schema = schemas[i % 10];
        workload.push_str(&format!(
            "SELECT id, name FROM {schema}.{schema}_{i} WHERE email = 'a@b.c' AND score > 3 \
             ORDER BY created_at DESC LIMIT 10;"
        ));
    }
    runtime
        .block_on(client.batch_execute(&workload))
        .expect("run the workload");
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut statements = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let catalog = runtime
            .block_on(pglens::source::live::load(params, &mut |_| {}))
            .expect("introspect");
        with.push(start.elapsed());
        statements = catalog
            .workload
            .as_ref()
            .and_then(|w| w.recorded())
            .map_or(0, |w| w.statements.len());
        runtime
            .block_on(client.batch_execute("DROP EXTENSION pg_stat_statements"))
            .expect("drop the extension");
        let start = Instant::now();
        runtime
            .block_on(pglens::source::live::load(params, &mut |_| {}))
            .expect("introspect");
        without.push(start.elapsed());
        runtime
            .block_on(client.batch_execute("CREATE EXTENSION pg_stat_statements"))
            .expect("create the extension");
    }
    runtime
        .block_on(client.batch_execute("DROP EXTENSION pg_stat_statements"))
        .expect("drop the extension");
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let (with, without) = (median(&mut with), median(&mut without));
    println!(
        "workload: {statements} statements read and parsed; introspection median {with:.0} ms with pg_stat_statements, {without:.0} ms without (+{:.0} ms)",
        with - without
    );
}

/// `pg_dump --schema-only` of the benchmark database, written to a file for the offline
/// source.
fn dump_schema(params: &ConnParams) -> std::path::PathBuf {
    let pg_dump = server_binary("pg_dump");
    let out = std::process::Command::new(pg_dump)
        .args([
            "--schema-only",
            "--no-password",
            "-d",
            &common::conninfo_string(params),
        ])
        .output()
        .expect("run pg_dump");
    assert!(out.status.success(), "pg_dump failed");
    let path = std::env::temp_dir().join(format!("pglens-bench-{}.sql", std::process::id()));
    std::fs::write(&path, &out.stdout).expect("write dump");
    path
}

fn server_binary(name: &str) -> std::path::PathBuf {
    common::server()
        .cluster
        .as_ref()
        .map(|c| c.bin.join(name))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| name.into())
}

/// Restoring the dump into an empty database with psql, next to pglens reading the same
/// file offline, in alternating rounds; prints both medians.
fn compare_offline_with_restore(runtime: &tokio::runtime::Runtime, dump: &std::path::Path) {
    let psql = server_binary("psql");
    let (mut restore, mut offline) = (Vec::new(), Vec::new());
    let mut problems = 0;
    for _ in 0..3 {
        let db = runtime.block_on(common::TestDb::new("restore"));
        let start = Instant::now();
        let status = std::process::Command::new(&psql)
            .args([
                "-q",
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &db.conninfo(),
                "-f",
            ])
            .arg(dump)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run psql");
        assert!(status.success(), "psql restore failed");
        restore.push(start.elapsed());
        let start = Instant::now();
        let catalog = pglens::source::sqlfiles::load(&[dump.to_path_buf()]).expect("offline load");
        offline.push(start.elapsed());
        problems = catalog.migrations.map(|m| m.problems.len()).unwrap_or(0);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let (psql_ms, ours) = (median(&mut restore), median(&mut offline));
    println!(
        "schema dump ({} lines, {} kB): psql restore median {psql_ms:.0} ms, pglens offline parse+apply median {ours:.0} ms ({:.0}% of the restore; {problems} statements not applied)",
        std::fs::read_to_string(dump).map(|t| t.lines().count()).unwrap_or(0),
        std::fs::metadata(dump).map(|m| m.len() / 1024).unwrap_or(0),
        100.0 * ours / psql_ms
    );
}

/// A file shaped like `pg_dump --schema-only`: per table a CREATE TABLE with defaults and a
/// CHECK, a comment, an owned sequence, a function with its comment and grant, then the
/// primary keys, indexes, foreign keys and grants in the later sections as pg_dump orders
/// them.
fn dump_like(tables: usize) -> String {
    let mut out = String::from("SET statement_timeout = 0;\nCREATE SCHEMA app;\n");
    for i in 0..tables {
        out.push_str(&format!(
            "CREATE TABLE app.t{i} (\n    id integer NOT NULL,\n    parent_id integer,\n    name character varying(50) NOT NULL,\n    amount numeric(12,2) DEFAULT 0 NOT NULL,\n    CONSTRAINT t{i}_amount_check CHECK ((amount >= (0)::numeric))\n);\n\
             COMMENT ON TABLE app.t{i} IS 'table {i}';\n\
             CREATE SEQUENCE app.t{i}_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\n\
             ALTER SEQUENCE app.t{i}_id_seq OWNED BY app.t{i}.id;\n\
             ALTER TABLE ONLY app.t{i} ALTER COLUMN id SET DEFAULT nextval('app.t{i}_id_seq'::regclass);\n\
             CREATE FUNCTION app.f{i}(x integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN x + {i}; END $$;\n\
             COMMENT ON FUNCTION app.f{i}(x integer) IS 'f {i}';\n\
             GRANT ALL ON FUNCTION app.f{i}(x integer) TO PUBLIC;\n"
        ));
    }
    for i in 0..tables {
        out.push_str(&format!(
            "ALTER TABLE ONLY app.t{i}\n    ADD CONSTRAINT t{i}_pkey PRIMARY KEY (id);\n\
             CREATE INDEX t{i}_name_idx ON app.t{i} USING btree (name);\n"
        ));
    }
    for i in 1..tables {
        out.push_str(&format!(
            "ALTER TABLE ONLY app.t{i}\n    ADD CONSTRAINT t{i}_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES app.t{}(id);\n\
             GRANT SELECT ON TABLE app.t{i} TO PUBLIC;\n",
            i - 1
        ));
    }
    out
}

/// Offline parse+apply of dump-shaped files of growing size, and the audit of each model,
/// side by side: the time per 1,000 tables stays flat when applying and auditing are linear (a scan of the catalog per statement
/// made 8,000 tables take 14 s and 115,000 more than five minutes).
fn offline_scaling() {
    let dir = tempfile::tempdir().expect("temp dir");
    for tables in [2_000, 8_000, 32_000] {
        let text = dump_like(tables);
        let file = dir.path().join(format!("dump_{tables}.sql"));
        std::fs::write(&file, &text).expect("write dump");
        let start = Instant::now();
        let catalog =
            pglens::source::sqlfiles::load(std::slice::from_ref(&file)).expect("offline load");
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!(
            "offline dump of {tables} tables ({} lines, {} kB): {ms:.0} ms, {:.0} ms per 1,000 tables, {} relations",
            text.lines().count(),
            text.len() / 1024,
            ms * 1000.0 / tables as f64,
            catalog.relations.len()
        );
        // The audit of the same model: flat per 1,000 tables, or a rule is quadratic.
        let start = Instant::now();
        let findings = pglens::audit::run(&catalog, &pglens::audit::Selection::default());
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!(
            "  audit of it: {ms:.0} ms, {:.0} ms per 1,000 tables, {} findings",
            ms * 1000.0 / tables as f64,
            findings.len()
        );
    }
}

/// The audit of the generated schema next to the audit of a 2,000-table one, per 1,000
/// tables (medians of five): the same figure, or a rule's cost grows faster than the schema.
fn audit_scaling(runtime: &tokio::runtime::Runtime, catalog: &pglens::model::Catalog) {
    const SMALL: usize = 2_000;
    let small = runtime.block_on(async { generated(SMALL).await.introspect().await });
    let timed = |catalog: &pglens::model::Catalog| {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let findings = pglens::audit::run(catalog, &pglens::audit::Selection::default());
                std::hint::black_box(findings);
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let figures: Vec<String> = [(SMALL, &small), (tables(), catalog)]
        .into_iter()
        .map(|(n, catalog)| {
            let ms = timed(catalog);
            format!(
                "{n} tables {ms:.0} ms ({:.0} ms per 1,000)",
                ms * 1000.0 / n as f64
            )
        })
        .collect();
    println!("audit of the live schema: {}", figures.join(", "));
}

/// The explorer over the generated schema, with a table open in the detail pane.
fn explorer(
    catalog: &pglens::model::Catalog,
    findings: Vec<pglens::audit::Finding>,
) -> pglens::tui::state::App {
    use pglens::tui::action::Action;
    let model = pglens::tui::model::Model::new(catalog.clone(), findings, Default::default());
    let mut app = pglens::tui::state::App::new("bench".into());
    app.update(Action::Resize {
        width: 160,
        height: 48,
    });
    app.update(Action::Loaded(Box::new(model)));
    app.update(Action::Search);
    for c in "crm_10".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Enter);
    app
}

/// One keystroke in the finder: the whole index is re-ranked for the new query.
#[divan::bench(args = ["c", "crm_1", "crm_10.work", "sales_1997.status"])]
fn finder_keystroke(bencher: divan::Bencher, query: &str) {
    use pglens::tui::action::Action;
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let mut app = fixture.app.lock().expect("app");
    app.update(Action::Search);
    let (typed, last) = query.split_at(query.len() - 1);
    for c in typed.chars() {
        app.update(Action::Input(c));
    }
    let last = last.chars().next().unwrap_or('x');
    bencher.bench_local(|| {
        app.update(Action::Input(last));
        app.update(Action::Back);
    });
    app.update(Action::Escape);
}

/// One full frame of the explorer at 160x48, a table open in the detail pane.
#[divan::bench]
fn render_frame_160x48(bencher: divan::Bencher) {
    use pglens::tui::{action::Keymap, theme::Theme, view};
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let app = fixture.app.lock().expect("app");
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).expect("terminal");
    let mut state = view::ViewState::default();
    let (theme, keymap) = (Theme::default(), Keymap::default());
    bencher.bench_local(|| {
        terminal
            .draw(|f| view::render(f, &app, &mut state, &theme, &keymap))
            .expect("draw");
    });
}

/// In the tree: a keystroke that moves the selection down, then the frame it draws.
#[divan::bench]
fn tree_keystroke_and_frame(bencher: divan::Bencher) {
    use pglens::tui::action::Action;
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let mut app = fixture.app.lock().expect("app");
    keystroke_and_frame(bencher, &mut app, || Action::Down);
}

/// Times `key` applied to `app` and the 160x48 frame it then draws.
fn keystroke_and_frame(
    bencher: divan::Bencher,
    app: &mut pglens::tui::state::App,
    key: impl Fn() -> pglens::tui::action::Action,
) {
    use pglens::tui::{action::Keymap, theme::Theme, view};
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).expect("terminal");
    let mut state = view::ViewState::default();
    let (theme, keymap) = (Theme::default(), Keymap::default());
    bencher.bench_local(|| {
        app.update(key());
        terminal
            .draw(|f| view::render(f, app, &mut state, &theme, &keymap))
            .expect("draw");
    });
}

/// In the table list (`T`): a keystroke that sorts every table by the next column, then
/// the frame it draws.
#[divan::bench]
fn table_list_sort_and_frame(bencher: divan::Bencher) {
    use pglens::tui::action::Action;
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let mut app = fixture.app.lock().expect("app");
    app.update(Action::Tables);
    keystroke_and_frame(bencher, &mut app, || Action::Sort);
    app.update(Action::Escape);
}

/// In the findings list (`F`, every finding of the schema, alike ones grouped or one by
/// one): a keystroke that moves the cursor, then the frame it draws.
#[divan::bench(args = [false, true])]
fn findings_list_keystroke_and_frame(bencher: divan::Bencher, one_by_one: bool) {
    use pglens::tui::action::Action;
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let mut app = fixture.app.lock().expect("app");
    app.update(Action::Findings);
    if one_by_one {
        app.update(Action::GroupAlike);
    }
    keystroke_and_frame(bencher, &mut app, || Action::Down);
    app.update(Action::Escape);
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn introspect(bencher: divan::Bencher) {
    let fixture = FIXTURE.get().expect("fixture set up in main");
    bencher.bench(|| {
        fixture.runtime.block_on(async {
            pglens::source::live::load(&fixture.params, &mut |_| {})
                .await
                .expect("introspect")
        })
    });
}

#[divan::bench(sample_count = 20)]
fn audit(bencher: divan::Bencher) {
    let fixture = FIXTURE.get().expect("fixture set up in main");
    bencher.bench(|| pglens::audit::run(&fixture.catalog, &pglens::audit::Selection::default()));
}

/// Indexing what depends on each table (foreign keys, views, policies, triggers, function
/// bodies): done once per load, for the Usage tab, the table list and the plan export.
#[divan::bench(sample_count = 20)]
fn dependents(bencher: divan::Bencher) {
    let fixture = FIXTURE.get().expect("fixture set up in main");
    bencher.bench(|| pglens::cleanup::evidence::Dependents::build(&fixture.catalog));
}

/// Opening the table list: every table's evidence gathered and sorted by size.
#[divan::bench]
fn table_list_open(bencher: divan::Bencher) {
    use pglens::tui::action::Action;
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let mut app = fixture.app.lock().expect("app");
    bencher.bench_local(|| {
        app.update(Action::Tables);
        app.update(Action::Escape);
    });
}

/// Exporting a plan that drops every tenth table and merges ten more: Markdown and SQL.
#[divan::bench(sample_count = 10)]
fn plan_export_200_drops(bencher: divan::Bencher) {
    use pglens::cleanup::{export::export, Decision, Mark, Plan};
    let fixture = FIXTURE.get().expect("fixture set up in main");
    let mut plan = Plan::default();
    let tables: Vec<_> = fixture
        .catalog
        .tables()
        .map(|t| t.qualified_name())
        .collect();
    for (i, q) in tables.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
        let decision = if i % 100 == 0 && i + 1 < tables.len() {
            Decision::Merge {
                into: tables[i + 1].clone(),
                map: Default::default(),
            }
        } else {
            Decision::Drop
        };
        plan.set(
            q.clone(),
            Some(Mark {
                decision,
                note: String::new(),
            }),
        );
    }
    bencher.bench(|| export(&fixture.catalog, &plan, "bench.toml").expect("export"));
}
