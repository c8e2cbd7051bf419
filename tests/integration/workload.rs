//! The recorded workload on a real server: the harness's cluster loads pg_stat_statements
//! (`shared_preload_libraries`), each test runs statements through a real connection, and
//! the audit reads what the server recorded. HypoPG is used where the server has it
//! (`scripts/setup` installs it next to the distribution's server; the fetched servers of
//! the matrix have none), and each test says what it expects in both cases.

use pglens::audit::{self, Finding, Selection};
use pglens::model::workload::WorkloadRecord;

use crate::common::{stat_statements_loaded, TestDb};
use crate::run_pglens;

/// True when a rule with this id is held to a firing and a quiet case here (the rule
/// suite's `every_rule_has_a_case` asks).
pub fn covers(id: &str) -> bool {
    ["workload-missing-index", "seq-scan-heavy-table"].contains(&id)
}

const SCHEMA: &str = "
    CREATE EXTENSION pg_stat_statements;
    -- 100,000 leads in four workspaces; workspace_id is indexed, status and kind are not.
    CREATE TABLE leads (id bigint PRIMARY KEY, workspace_id int NOT NULL, status text NOT NULL,
                        kind text NOT NULL, archived boolean NOT NULL, created_at timestamptz NOT NULL,
                        source text NOT NULL);
    INSERT INTO leads
      SELECT g, g % 4, 'status_' || (g % 1000), CASE WHEN g % 2 = 0 THEN 'person' ELSE 'company' END,
             g % 2 = 0, now() - g * interval '1 minute', 'source_' || (g % 500)
      FROM generate_series(1, 100000) g;
    CREATE INDEX leads_workspace_id_idx ON leads (workspace_id);
    -- A small lookup table: scanning it whole is right.
    CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
    INSERT INTO countries SELECT 'c' || g, 'Country ' || g FROM generate_series(1, 50) g;
    -- A big table read by its key.
    CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
    INSERT INTO accounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 20000) g;
    ANALYZE;";

/// Runs `sql` `times` times with one text parameter, as an application would (the extended
/// protocol, so pg_stat_statements records the text with `$1`).
async fn run(db: &TestDb, sql: &str, value: &str, times: usize) {
    run_with(db, sql, &[value], times).await
}

/// Runs `sql` `times` times with these text parameters.
async fn run_with(db: &TestDb, sql: &str, values: &[&str], times: usize) {
    let types = vec![tokio_postgres::types::Type::TEXT; values.len()];
    let statement = db.client.prepare_typed(sql, &types).await.expect("prepare");
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = values
        .iter()
        .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    for _ in 0..times {
        db.client
            .query(&statement, &params)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// A request as PostgREST sends it (Supabase's `.from('leads').select().eq('source', x)`):
/// the request in a CTE, every name quoted and qualified, inside a wrapper with parameters
/// of its own, which the planner is asked about whole.
const POSTGREST_REQUEST: &str = r#"WITH pgrst_source AS (SELECT "public"."leads".* FROM "public"."leads" WHERE "public"."leads"."source" = $1) SELECT $2::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, $3 AS response_inserted FROM (SELECT * FROM pgrst_source) _postgrest_t"#;

async fn workload_db(hint: &str) -> Option<(TestDb, bool)> {
    let db = TestDb::new(hint).await;
    if !stat_statements_loaded(&db.client).await {
        // The harness's own cluster always loads it; a server named by
        // PGLENS_TEST_DATABASE_URL may not, and is not ours to restart.
        assert!(
            crate::common::server().cluster.is_none(),
            "the harness cluster does not load pg_stat_statements"
        );
        eprintln!("skipped: the test server does not load pg_stat_statements");
        return None;
    }
    db.exec(SCHEMA).await;
    let hypopg = db
        .client
        .query_one(
            "SELECT count(*) > 0 FROM pg_available_extensions WHERE name = 'hypopg'",
            &[],
        )
        .await
        .expect("available extensions")
        .get::<_, bool>(0);
    if hypopg {
        db.exec("CREATE EXTENSION hypopg").await;
    }
    Some((db, hypopg))
}

fn findings(catalog: &pglens::model::Catalog, rule: &str) -> Vec<Finding> {
    audit::run(
        catalog,
        &Selection {
            only: vec![rule.into()],
            skip: vec![],
        },
    )
}

#[tokio::test]
async fn frequent_filters_on_unindexed_columns_get_an_index_and_its_evidence() {
    let Some((db, hypopg)) = workload_db("workload_index").await else {
        return;
    };
    // Fires: status, compared with a value, no index leads with it.
    run(
        &db,
        "SELECT id FROM leads WHERE status = $1",
        "status_7",
        120,
    )
    .await;
    // Quiet: workspace_id has an index (the statement is heavy all the same: 25,000 rows).
    run(
        &db,
        "SELECT id FROM leads WHERE workspace_id = $1::int",
        "2",
        60,
    )
    .await;
    // Quiet: a lone boolean.
    run(
        &db,
        "SELECT count(*) FROM leads WHERE archived = $1::boolean",
        "true",
        120,
    )
    .await;
    // Quiet: a small table, however slow the statement.
    run(
        &db,
        "SELECT pg_sleep(0.11), name FROM countries WHERE name = $1",
        "Country 3",
        3,
    )
    .await;
    // Half the rows have each kind: the planner would never use an index on it, and says so
    // when HypoPG can ask it; from the text alone it is a candidate, unconfirmed.
    run(&db, "SELECT id FROM leads WHERE kind = $1", "person", 120).await;
    // Fires: a PostgREST request filtering source.
    run_with(&db, POSTGREST_REQUEST, &["source_9", "0", ""], 120).await;

    let catalog = db.introspect().await;
    let Some(WorkloadRecord::Recorded(workload)) = &catalog.workload else {
        panic!("workload not read: {:?}", catalog.workload);
    };
    let on_status = workload
        .statements
        .iter()
        .find(|s| s.query == "SELECT id FROM leads WHERE status = $1")
        .expect("the status statement is recorded");
    assert_eq!(on_status.calls, 120);
    assert_eq!(on_status.relations[0].to_string(), "public.leads");

    let found = findings(&catalog, "workload-missing-index");
    let columns: Vec<&str> = found
        .iter()
        .map(|f| f.object.path())
        .zip(&found)
        .map(|(_, f)| f.message.split(" for ").next().unwrap_or(""))
        .collect();
    let expected: &[&str] = if hypopg {
        &[
            "public.leads: no index leads with (source)",
            "public.leads: no index leads with (status)",
        ]
    } else {
        &[
            "public.leads: no index leads with (kind)",
            "public.leads: no index leads with (source)",
            "public.leads: no index leads with (status)",
        ]
    };
    assert_eq!(columns, expected, "{found:#?}");
    let status = found
        .iter()
        .find(|f| f.message.contains("(status)"))
        .expect("status finding");
    assert!(
        status
            .message
            .contains("`SELECT id FROM leads WHERE status = $1` (120 calls,"),
        "{}",
        status.message
    );
    let postgrest = found
        .iter()
        .find(|f| f.message.contains("(source)"))
        .expect("source finding");
    assert!(
        postgrest
            .message
            .contains(r#"for `PostgREST: SELECT "public"."leads".* FROM"#),
        "{}",
        postgrest.message
    );
    if hypopg {
        assert!(
            postgrest.message.contains("planner's estimate falls from"),
            "{}",
            postgrest.message
        );
    }
    let fix = status.fix.as_ref().expect("a fix");
    assert_eq!(
        fix.statements[0].sql,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_status ON public.leads (status)"
    );
    if hypopg {
        assert!(
            status.message.contains("planner's estimate falls from"),
            "{}",
            status.message
        );
        assert!(fix.safe, "a confirmed index is safe to paste");
    } else {
        assert!(
            status.message.contains("HypoPG is not installed"),
            "{}",
            status.message
        );
        assert!(!fix.safe, "an unconfirmed index is for review");
    }

    // The fix runs and the finding is gone; the recorded statements are unchanged.
    for f in &found {
        for s in &f.fix.as_ref().expect("fix").statements {
            db.exec(&s.sql).await;
        }
    }
    let after = db.introspect().await;
    assert!(findings(&after, "workload-missing-index").is_empty());
}

#[tokio::test]
async fn sequential_scans_over_many_rows_are_named_with_their_statements() {
    let Some((db, _)) = workload_db("workload_seqscan").await else {
        return;
    };
    run(
        &db,
        "SELECT id FROM leads WHERE status = $1",
        "status_7",
        60,
    )
    .await;
    run(
        &db,
        "SELECT name FROM countries WHERE name = $1",
        "Country 3",
        200,
    )
    .await;
    run(
        &db,
        "SELECT email FROM accounts WHERE id = $1::bigint",
        "42",
        200,
    )
    .await;
    db.await_statistics(
        "SELECT seq_scan >= 60 AND (SELECT seq_scan >= 200 FROM pg_stat_user_tables
                                    WHERE relname = 'countries')
         FROM pg_stat_user_tables WHERE relname = 'leads'",
    )
    .await;
    let catalog = db.introspect().await;
    let found = findings(&catalog, "seq-scan-heavy-table");
    let paths: Vec<String> = found.iter().map(|f| f.object.path()).collect();
    // countries is scanned whole 200 times (50 rows); accounts is read by its key.
    assert_eq!(paths, ["public.leads"], "{found:#?}");
    let message = &found[0].message;
    assert!(message.contains("sequential scans read"), "{message}");
    assert!(
        message.contains(
            "the heaviest statements on it: `SELECT id FROM leads WHERE status = $1` (60 calls"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn without_the_extension_the_workload_rules_say_not_evaluated() {
    let db = TestDb::new("workload_absent").await;
    db.exec("CREATE TABLE t (id int PRIMARY KEY)").await;
    let catalog = db.introspect().await;
    assert_eq!(
        catalog.workload,
        Some(WorkloadRecord::Unavailable {
            reason: "pg_stat_statements is not installed in this database".into()
        })
    );
    let (code, out, err) = run_pglens(&["audit", &db.conninfo(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let reasons: Vec<(String, String)> = json["not_evaluated"]
        .as_array()
        .expect("not_evaluated")
        .iter()
        .map(|n| {
            (
                n["rule"].as_str().unwrap_or("").to_string(),
                n["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&(
            "workload-missing-index".into(),
            "pg_stat_statements is not installed in this database".into()
        )),
        "{reasons:?}"
    );
    let (_, text, _) = run_pglens(&["audit", &db.conninfo()]);
    assert!(
        text.contains(
            "workload-missing-index: pg_stat_statements is not installed in this database"
        ),
        "{text}"
    );
}

/// The demo with a recorded workload of three statements on `public.leads` (counters fixed,
/// so the screen is the same on every run), read and resolved as the live source does.
fn demo_with_workload() -> pglens::tui::state::App {
    use pglens::model::workload::{RecordedStatement, Workload};
    use pglens::tui::action::Action;
    let mut catalog = pglens::source::snapshot::demo();
    let recorded = [
        ("SELECT id, email FROM leads WHERE source = $1 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT $2", 1_204, 37_300.0),
        ("UPDATE leads SET status = $1 WHERE id = $2", 8_800, 1_900.0),
        ("SELECT l.id FROM leads l JOIN workspaces w ON w.id = l.workspace_id WHERE w.slug = $1", 310, 900.0),
    ];
    let statements = recorded
        .iter()
        .map(|(query, calls, total_ms)| {
            let shape = pglens::sql::workload::shape(query).expect("parses");
            let (relations, columns) = pglens::sql::workload::resolve(&shape, &catalog);
            RecordedStatement {
                query: query.to_string(),
                calls: *calls,
                total_ms: *total_ms,
                rows: *calls,
                kind: shape.kind,
                relations,
                columns,
                limited: shape.limited,
            }
        })
        .collect();
    catalog.workload = Some(WorkloadRecord::Recorded(Workload {
        schema: "extensions".into(),
        statements,
        hidden: 0,
        reset: Some("2026-11-01 00:00:00+00".into()),
        hypothetical: None,
    }));
    let findings = audit::run(&catalog, &Default::default());
    let categories =
        pglens::categorize::CategoryConfig::parse(pglens::categorize::DEMO_CATEGORIES, "demo")
            .expect("demo categories");
    let mut app = pglens::tui::state::App::new("demo".into());
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app.update(Action::Loaded(Box::new(pglens::tui::model::Model::new(
        catalog, findings, categories,
    ))));
    app
}

/// The Usage tab lists the recorded statements after the dependents, Space shows one whole
/// with the columns it filters on, and the table list gets a `time` column to sort by.
#[test]
fn the_explorer_shows_recorded_statements_in_usage_and_the_table_list() {
    use pglens::tui::action::Action;
    use pglens::tui::state::{Overlay, SortKey};
    use pglens::tui::tab::Tab;

    let mut app = demo_with_workload();
    app.update(Action::Search);
    crate::explorer::type_text(&mut app, "public.leads");
    app.update(Action::Enter);
    app.update(Action::Tab(Tab::Usage.index() as u8));
    let text = crate::explorer::screen(&app, 100, 30);
    assert!(
        text.contains("workload 3 statements: 10,314 calls, 40.1 s (of 3 recorded)"),
        "{text}"
    );
    insta::assert_snapshot!("usage_with_workload_100x30", text);

    // The heaviest statement in full: its text, counters and the columns it uses.
    let dependents = app
        .model
        .as_ref()
        .map(|m| {
            m.dependents()
                .of(&pglens::model::QualifiedName::new("public", "leads"))
                .len()
        })
        .unwrap_or(0);
    app.update(Action::Right);
    for _ in 0..dependents {
        app.update(Action::Down);
    }
    app.update(Action::ShowFull);
    assert!(matches!(app.overlay, Overlay::Full(_)), "{:?}", app.overlay);
    let text = crate::explorer::screen(&app, 100, 30);
    for expected in [
        "statement on public.leads",
        "ORDER BY created_at DESC",
        "calls: 1,204",
        "mean: 31 ms",
        "filters: source",
        "sorts by: created_at",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    app.update(Action::Escape);

    // The table list: a time column, and `o` reaches it; the busiest table comes first.
    app.update(Action::Tables);
    let text = crate::explorer::screen(&app, 140, 30);
    assert!(text.contains(" time "), "{text}");
    while !matches!(&app.overlay, Overlay::Tables(v) if v.sort == SortKey::Time) {
        app.update(Action::Sort);
    }
    let Overlay::Tables(view) = &app.overlay else {
        panic!()
    };
    assert_eq!(view.order[0].to_string(), "public.leads");
    assert_eq!(view.order[1].to_string(), "public.workspaces");
}

/// A role without `pg_read_all_stats` sees only its own statements: the others are counted
/// as hidden, and the workload rule says it could not judge rather than finding nothing.
#[tokio::test]
async fn statements_of_other_roles_are_hidden_from_a_role_without_pg_read_all_stats() {
    let Some((db, _)) = workload_db("workload_hidden").await else {
        return;
    };
    run(
        &db,
        "SELECT id FROM leads WHERE status = $1",
        "status_7",
        120,
    )
    .await;
    // Roles are the cluster's: a name of this run's own, dropped at the end.
    let role = format!("pglens_stats_reader_{}", std::process::id());
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE \"{}\" TO {role}; \
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        db.name
    ))
    .await;
    let mut params = db.params.clone();
    params.user = role.clone();
    let catalog = pglens::source::live::load(&params, &mut |_| {})
        .await
        .expect("introspect as the reader");
    let Some(WorkloadRecord::Recorded(workload)) = &catalog.workload else {
        panic!("workload not read: {:?}", catalog.workload);
    };
    assert!(workload.hidden > 0, "{workload:?}");
    assert!(
        workload
            .statements
            .iter()
            .all(|s| !s.query.contains("status")),
        "another role's statement is visible"
    );
    let reasons = audit::not_evaluated(&catalog, &Selection::default());
    let reason = reasons
        .iter()
        .find(|n| n.rule == "workload-missing-index")
        .map(|n| n.reason.as_str())
        .unwrap_or_default();
    assert!(reason.contains("grant it pg_read_all_stats"), "{reasons:?}");
    assert!(findings(&catalog, "workload-missing-index").is_empty());

    // Granted the predefined role, it sees them, and the suggestion appears.
    db.exec(&format!("GRANT pg_read_all_stats TO {role}")).await;
    let catalog = pglens::source::live::load(&params, &mut |_| {})
        .await
        .expect("introspect as the reader");
    let found = findings(&catalog, "workload-missing-index");
    assert!(
        found.iter().any(|f| f.message.contains("(status)")),
        "{found:#?}"
    );
    let _ = db
        .try_exec(&format!(
            "DROP OWNED BY {role}; REVOKE pg_read_all_stats FROM {role}; \
             REVOKE CONNECT ON DATABASE \"{}\" FROM {role}",
            db.name
        ))
        .await;
    let _ = db.try_exec(&format!("DROP ROLE {role}")).await;
}
