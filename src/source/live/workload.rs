//! Reads the recorded workload (`pg_stat_statements`) inside the introspection's read-only
//! transaction, and, where HypoPG is installed, asks the planner about the indexes the
//! workload suggests.
//!
//! Everything runs under a savepoint, so a server that cannot answer (the extension not
//! loaded, a privilege missing, a statement the planner rejects) costs only this part:
//! the catalog is read all the same and the report says why the workload is missing.
//!
//! Asking the planner never runs a statement: the recorded text is prepared and explained
//! (`EXPLAIN` without `ANALYZE`) with a generic plan, before and after
//! `hypopg_create_index`, which creates an index in this session's memory only; then the
//! hypothetical indexes are reset and the prepared statement deallocated. Only statements the
//! parser reads as one `SELECT`, `UPDATE` or `DELETE` are prepared, and the transaction is
//! read-only whatever they say.

use serde::Deserialize;
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::model::index_candidates::{index_candidates, IndexCandidate};
use crate::model::workload::{
    HypotheticalIndex, RecordedStatement, StatementKind, Workload, WorkloadRecord, STATEMENT_LIMIT,
};
use crate::model::Catalog;
use crate::sql::{ident, qualified, qualified_name};

/// Where the extensions live, from the server settings query.
pub(super) struct Extensions {
    pub stat_statements: Option<String>,
    pub hypopg: Option<String>,
}

/// At most this many suggestions are checked with the planner.
const PLANNER_CHECKS: usize = 20;

/// Reads the workload into `catalog.workload`.
pub(super) async fn read(client: &Client, extensions: &Extensions, catalog: &mut Catalog) {
    let record = match &extensions.stat_statements {
        None => WorkloadRecord::Unavailable {
            reason: "pg_stat_statements is not installed in this database".into(),
        },
        Some(schema) => match statements(client, schema, catalog).await {
            Ok(mut workload) => {
                if let Some(hypopg) = &extensions.hypopg {
                    let candidates = index_candidates(catalog, &workload);
                    let search_path = catalog.meta.search_path.clone().unwrap_or_default();
                    workload.hypothetical = Some(
                        ask_planner(client, hypopg, &search_path, &workload, &candidates).await,
                    );
                }
                WorkloadRecord::Recorded(workload)
            }
            Err(reason) => WorkloadRecord::Unavailable { reason },
        },
    };
    catalog.workload = Some(record);
}

#[derive(Deserialize)]
struct Raw {
    statements: Vec<RawStatement>,
    hidden: u64,
}

#[derive(Deserialize)]
struct RawStatement {
    query: String,
    calls: i64,
    total_ms: f64,
    rows: i64,
}

/// The heaviest statements of this database, parsed and resolved against the catalog.
async fn statements(client: &Client, schema: &str, catalog: &Catalog) -> Result<Workload, String> {
    let view = qualified(schema, "pg_stat_statements");
    // total_exec_time since extension version 1.8 (PostgreSQL 13); an extension left at an
    // older version still says total_time. Rows of one statement run by several roles, or
    // at top level and nested, are one statement here.
    let sql = format!(
        "SELECT json_build_object(\
           'statements', (SELECT coalesce(json_agg(s ORDER BY s.total_ms DESC), '[]') FROM (\
               SELECT min(p.query) AS query, sum(p.calls)::int8 AS calls, \
                      sum(coalesce(to_jsonb(p)->>'total_exec_time', to_jsonb(p)->>'total_time')::float8) AS total_ms, \
                      sum(p.rows)::int8 AS rows \
               FROM {view} p \
               WHERE p.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 AND p.queryid IS NOT NULL AND p.query <> '<insufficient privilege>' \
               GROUP BY p.queryid ORDER BY 3 DESC LIMIT {STATEMENT_LIMIT}) s), \
           'hidden', (SELECT count(*) FROM {view} p \
               WHERE p.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 AND (p.queryid IS NULL OR p.query = '<insufficient privilege>')))::text"
    );
    let raw: Raw = serde_json::from_str(&guarded(client, &sql).await.map_err(explain_failure)?)
        .map_err(|e| format!("pg_stat_statements could not be decoded: {e}"))?;
    let reset = if catalog.meta.server_version_num.unwrap_or(0) >= 140_000 {
        let info = qualified(schema, "pg_stat_statements_info");
        guarded(client, &format!("SELECT stats_reset::text FROM {info}"))
            .await
            .ok()
            .filter(|s| !s.is_empty())
    } else {
        None
    };
    let texts: Vec<String> = raw.statements.iter().map(|s| s.query.clone()).collect();
    let shapes = crate::sql::parse::with_deep_stack(move || {
        texts
            .iter()
            .map(|q| crate::sql::workload::shape(q))
            .collect::<Vec<_>>()
    });
    let statements = raw
        .statements
        .into_iter()
        .zip(shapes)
        .map(|(s, shape)| {
            let (kind, relations, columns, limited) = match &shape {
                Some(shape) => {
                    let (relations, columns) = crate::sql::workload::resolve(shape, catalog);
                    (shape.kind, relations, columns, shape.limited)
                }
                None => (StatementKind::Other, Vec::new(), Vec::new(), false),
            };
            RecordedStatement {
                query: s.query,
                calls: s.calls,
                total_ms: s.total_ms,
                rows: s.rows,
                kind,
                relations,
                columns,
                limited,
            }
        })
        .collect();
    Ok(Workload {
        schema: schema.to_string(),
        statements,
        hidden: raw.hidden,
        reset,
        hypothetical: None,
    })
}

/// The planner's verdict on each candidate (the first [`PLANNER_CHECKS`]), for its
/// heaviest statement the planner can be asked about.
async fn ask_planner(
    client: &Client,
    hypopg: &str,
    search_path: &str,
    workload: &Workload,
    candidates: &[IndexCandidate],
) -> Vec<HypotheticalIndex> {
    let mut out = Vec::new();
    for c in candidates.iter().take(PLANNER_CHECKS) {
        let Some(statement) = c
            .statements
            .iter()
            .map(|&i| &workload.statements[i])
            .find(|s| s.kind.explainable())
        else {
            continue;
        };
        let parameters = crate::sql::parse::with_deep_stack(|| {
            crate::sql::workload::shape(&statement.query).map_or(0, |s| s.parameters)
        });
        let verdict =
            hypothetical(client, hypopg, search_path, c, &statement.query, parameters).await;
        let (cost_before, cost_after, used, error) = match verdict {
            Ok((before, after, used)) => (Some(before), Some(after), used, None),
            Err(e) => (None, None, false, Some(e)),
        };
        out.push(HypotheticalIndex {
            relation: c.relation.clone(),
            columns: c.columns.clone(),
            query: statement.query.clone(),
            cost_before,
            cost_after,
            used,
            error,
        });
    }
    out
}

/// The generic plan's cost of `query` without and with a hypothetical index on the
/// candidate's columns, and whether the plan with it uses it. `search_path` is the reading
/// role's, which the application's unqualified names most likely resolve through.
async fn hypothetical(
    client: &Client,
    hypopg: &str,
    search_path: &str,
    c: &IndexCandidate,
    query: &str,
    parameters: usize,
) -> Result<(f64, f64, bool), String> {
    let message = |e: tokio_postgres::Error| server_message(&e);
    client
        .batch_execute(&format!(
            "SAVEPOINT pglens_planner; SET LOCAL plan_cache_mode = force_generic_plan; \
             SELECT set_config('search_path', {}, true)",
            crate::sql::literal(search_path)
        ))
        .await
        .map_err(message)?;
    let mut prepared = false;
    let measured = compare_plans(client, hypopg, c, query, parameters, &mut prepared)
        .await
        .map_err(message);
    // Back to before the savepoint whatever happened (it also undoes the settings). The
    // hypothetical index and the prepared statement belong to the session, not the
    // transaction: they go explicitly, under a savepoint of their own so that a failure
    // there cannot abort the introspection.
    let _ = client
        .batch_execute("ROLLBACK TO SAVEPOINT pglens_planner; RELEASE SAVEPOINT pglens_planner")
        .await;
    let deallocate = if prepared {
        "; DEALLOCATE pglens_probe"
    } else {
        ""
    };
    let cleanup = format!(
        "SAVEPOINT pglens_cleanup; SELECT {}.hypopg_reset(){deallocate}; RELEASE SAVEPOINT pglens_cleanup",
        ident(hypopg)
    );
    if client.batch_execute(&cleanup).await.is_err() {
        let _ = client
            .batch_execute("ROLLBACK TO SAVEPOINT pglens_cleanup; RELEASE SAVEPOINT pglens_cleanup")
            .await;
    }
    measured
}

/// The generic plan without the index, then with it (hypothetically).
async fn compare_plans(
    client: &Client,
    hypopg: &str,
    c: &IndexCandidate,
    query: &str,
    parameters: usize,
    prepared: &mut bool,
) -> Result<(f64, f64, bool), tokio_postgres::Error> {
    let before = generic_plan(client, query, parameters, prepared).await?;
    let columns: Vec<String> = c.columns.iter().map(|col| ident(col)).collect();
    let create = format!(
        "CREATE INDEX ON {} ({})",
        qualified_name(&c.relation),
        columns.join(", ")
    );
    let oid = first_value(
        client,
        &format!(
            "SELECT indexrelid::text FROM {}.hypopg_create_index({})",
            ident(hypopg),
            crate::sql::literal(&create)
        ),
    )
    .await?;
    let after = generic_plan(client, query, parameters, prepared).await?;
    // HypoPG names its indexes `<oid>btree_table_column`.
    let used = after.1.contains(&format!("<{oid}>"));
    Ok((before.0, after.0, used))
}

/// The generic plan of `query` (what any parameter values get), explained, never run. Each
/// time a fresh prepared statement: a cached plan would not see the hypothetical index.
async fn generic_plan(
    client: &Client,
    query: &str,
    parameters: usize,
    prepared: &mut bool,
) -> Result<(f64, String), tokio_postgres::Error> {
    client
        .batch_execute(&format!("PREPARE pglens_probe AS {query}"))
        .await?;
    *prepared = true;
    let execute = if parameters > 0 {
        format!(
            "EXECUTE pglens_probe({})",
            vec!["NULL"; parameters].join(", ")
        )
    } else {
        "EXECUTE pglens_probe".to_string()
    };
    let result = plan(client, &format!("EXPLAIN (FORMAT JSON) {execute}")).await?;
    client.batch_execute("DEALLOCATE pglens_probe").await?;
    *prepared = false;
    Ok(result)
}

/// The plan's total cost and its JSON text.
async fn plan(client: &Client, explain: &str) -> Result<(f64, String), tokio_postgres::Error> {
    let text = first_text(client, explain).await?.unwrap_or_default();
    let cost = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v[0]["Plan"]["Total Cost"].as_f64())
        .unwrap_or(f64::NAN);
    Ok((cost, text))
}

/// Runs one query under a savepoint and returns its first value; on failure the
/// transaction is back where it was and the error says why.
async fn guarded(client: &Client, sql: &str) -> Result<String, tokio_postgres::Error> {
    client.batch_execute("SAVEPOINT pglens_workload").await?;
    match first_text(client, sql).await {
        Ok(v) => {
            client
                .batch_execute("RELEASE SAVEPOINT pglens_workload")
                .await?;
            Ok(v.unwrap_or_default())
        }
        Err(e) => {
            let _ = client
                .batch_execute(
                    "ROLLBACK TO SAVEPOINT pglens_workload; RELEASE SAVEPOINT pglens_workload",
                )
                .await;
            Err(e)
        }
    }
}

async fn first_value(client: &Client, sql: &str) -> Result<String, tokio_postgres::Error> {
    Ok(first_text(client, sql).await?.unwrap_or_default())
}

async fn first_text(client: &Client, sql: &str) -> Result<Option<String>, tokio_postgres::Error> {
    let messages = client.simple_query(sql).await?;
    Ok(messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
        _ => None,
    }))
}

/// The server's own message for a failed statement.
fn server_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

fn explain_failure(e: tokio_postgres::Error) -> String {
    unavailable_reason(&server_message(&e))
}

/// Why pg_stat_statements could not be read, in words for the report.
fn unavailable_reason(message: &str) -> String {
    if message.contains("shared_preload_libraries") {
        "pg_stat_statements is installed but the server does not load it (add it to shared_preload_libraries and restart)".into()
    } else if message.contains("permission denied") {
        format!("the reading role may not read pg_stat_statements ({message})")
    } else {
        format!("pg_stat_statements could not be read: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server's messages for the cases a harness cluster cannot show (it always loads
    /// the library): installed but not loaded, and a revoked view.
    #[test]
    fn failures_read_as_what_to_do() {
        assert_eq!(
            unavailable_reason(r#"pg_stat_statements must be loaded via "shared_preload_libraries""#),
            "pg_stat_statements is installed but the server does not load it (add it to shared_preload_libraries and restart)"
        );
        assert_eq!(
            unavailable_reason("permission denied for view pg_stat_statements"),
            "the reading role may not read pg_stat_statements (permission denied for view pg_stat_statements)"
        );
        assert_eq!(
            unavailable_reason("canceling statement due to statement timeout"),
            "pg_stat_statements could not be read: canceling statement due to statement timeout"
        );
    }
}
