//! The row peek: the first rows of one table or view, as the connecting role sees them.
//!
//! It runs on a connection of its own, in a `READ ONLY` transaction that is rolled back,
//! with a statement timeout and a lock timeout, so a slow view or a table another session
//! has locked costs a few seconds and nothing else. Each value is cut on the server to a
//! few hundred characters (a 10 MB `jsonb` never crosses the wire), read as text, and
//! rows come in storage order: `LIMIT` without `ORDER BY`, which costs no sort.
//!
//! The columns are read from the server at peek time (a migration may have run since the
//! catalog was loaded), and a column the role may not `SELECT` is left out and named
//! rather than failing the whole peek, as a Supabase table granting `anon` a few
//! columns would.

use std::time::Duration;

use tokio_postgres::{Client, SimpleQueryMessage};

use super::connect::{self, classify_query_error, LiveError};
use super::ConnParams;
use crate::model::QualifiedName;
use crate::sql;

/// How many rows a peek reads.
pub const PEEK_ROWS: usize = 50;
/// The longest a peek's query may run.
pub const PEEK_TIMEOUT: Duration = Duration::from_secs(5);
/// Characters kept of each value; the server cuts it, and the view says where it did.
pub const VALUE_CHARS: usize = 300;

/// The rows a peek read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    /// The role the rows were read as.
    pub user: String,
    /// Row-level security filters what that role reads of this relation.
    pub rls_active: bool,
    /// The columns read, in table order, as the server names them now.
    pub columns: Vec<String>,
    /// Columns the role has no `SELECT` privilege on, left out of the query.
    pub hidden: Vec<String>,
    /// Values as text; None is SQL NULL. A value cut at [`VALUE_CHARS`] ends with `…`.
    pub rows: Vec<Vec<Option<String>>>,
    /// The relation has more rows than were read.
    pub more: bool,
}

/// The query a peek sends: each column cast to text and cut to [`VALUE_CHARS`] + 1
/// characters (one more tells a cut value from one that fits), every name quoted.
pub fn query(table: &QualifiedName, columns: &[String]) -> String {
    let list: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(
                "pg_catalog.left(CAST({} AS pg_catalog.text), {})",
                sql::ident(c),
                VALUE_CHARS + 1
            )
        })
        .collect();
    // A relation with no columns still has rows: count them with a constant.
    let list = if list.is_empty() {
        "NULL".to_string()
    } else {
        list.join(", ")
    };
    format!(
        "SELECT {list} FROM {} LIMIT {}",
        sql::qualified_name(table),
        PEEK_ROWS + 1
    )
}

/// Who is reading, and whether row security applies to them here.
const WHO: &str = "SELECT CAST(current_user AS pg_catalog.text), \
     pg_catalog.row_security_active(CAST($1::pg_catalog.text AS pg_catalog.regclass))";

/// The relation's columns now (the catalog pglens loaded may be older than a migration),
/// and whether the role may read each.
const COLUMNS: &str = "SELECT CAST(a.attname AS pg_catalog.text), \
     pg_catalog.has_column_privilege(a.attrelid, a.attnum, 'SELECT') \
     FROM pg_catalog.pg_attribute a \
     WHERE a.attrelid = CAST($1::pg_catalog.text AS pg_catalog.regclass) \
       AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY a.attnum";

/// Connects and reads the first [`PEEK_ROWS`] rows of `table`, as the connecting role
/// may see them. The error is a sentence for the status line.
pub async fn peek(
    params: &ConnParams,
    table: &QualifiedName,
    timeout: Duration,
) -> Result<Peek, String> {
    let client = connect::connect(params).await.map_err(|e| e.to_string())?;
    let result = read(&client, table, timeout).await;
    // The transaction only read; ending it is tidiness (the connection closes next).
    let _ = client.simple_query("ROLLBACK").await;
    result.map_err(|e| explain(e, table, timeout))
}

async fn read(
    client: &Client,
    table: &QualifiedName,
    timeout: Duration,
) -> Result<Peek, LiveError> {
    let what = format!("rows of {table}");
    let failed = |e: tokio_postgres::Error| classify_query_error(&e, &what);
    // The lock wait gives up first, so a table another session locked reads as locked
    // rather than as slow.
    let setup = format!(
        "BEGIN TRANSACTION READ ONLY; \
         SET LOCAL statement_timeout = {}; \
         SET LOCAL lock_timeout = {}",
        timeout.as_millis(),
        lock_wait(timeout).as_millis()
    );
    client.simple_query(&setup).await.map_err(failed)?;
    let name = sql::qualified_name(table);
    let who = client.query_one(WHO, &[&name]).await.map_err(failed)?;
    let (mut columns, mut hidden) = (Vec::new(), Vec::new());
    for row in client.query(COLUMNS, &[&name]).await.map_err(failed)? {
        let column: String = row.get(0);
        if row.get::<_, bool>(1) {
            columns.push(column);
        } else {
            hidden.push(column);
        }
    }
    if columns.is_empty() && !hidden.is_empty() {
        let user: String = who.get(0);
        return Err(LiveError::PermissionDenied {
            what,
            detail: format!(
                "{} has no SELECT privilege on it or any of its columns \
                 (GRANT SELECT ON {name} TO {} would allow it)",
                crate::text::visible(&user),
                sql::ident(&user)
            ),
        });
    }
    let messages = client
        .simple_query(&query(table, &columns))
        .await
        .map_err(failed)?;
    let mut rows: Vec<Vec<Option<String>>> = messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                (0..columns.len())
                    .map(|i| row.get(i).map(cut))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .collect();
    let more = rows.len() > PEEK_ROWS;
    rows.truncate(PEEK_ROWS);
    Ok(Peek {
        user: who.get(0),
        rls_active: who.get(1),
        columns,
        hidden,
        rows,
        more,
    })
}

/// How long a peek waits for a lock: half its time.
fn lock_wait(timeout: Duration) -> Duration {
    timeout / 2
}

/// A failed peek in the words of what was asked: the catalog-reading hints of
/// [`LiveError`] do not fit reading rows.
fn explain(e: LiveError, table: &QualifiedName, timeout: Duration) -> String {
    let seconds = timeout.as_secs_f64();
    match e {
        LiveError::PermissionDenied { detail, .. } => {
            format!("cannot read the rows of {table}: {detail}")
        }
        LiveError::Timeout { .. } => format!(
            "reading the first rows of {table} took longer than {seconds} s and was cancelled"
        ),
        LiveError::Locked { .. } => format!(
            "{table} is locked by another session (waited {} s); try again when it is done",
            lock_wait(timeout).as_secs_f64()
        ),
        LiveError::Query { detail, .. } => format!("cannot read the rows of {table}: {detail}"),
        other => other.to_string(),
    }
}

/// A value as the server sent it, marked with `…` when the server cut it.
fn cut(value: &str) -> String {
    if value.chars().count() > VALUE_CHARS {
        let mut kept: String = value.chars().take(VALUE_CHARS).collect();
        kept.push('…');
        kept
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_quoted_and_every_value_cut_on_the_server() {
        let q = query(
            &QualifiedName::new("My Schema", "odd\"table"),
            &["id".into(), "Full Name".into()],
        );
        assert_eq!(
            q,
            "SELECT pg_catalog.left(CAST(id AS pg_catalog.text), 301), \
             pg_catalog.left(CAST(\"Full Name\" AS pg_catalog.text), 301) \
             FROM \"My Schema\".\"odd\"\"table\" LIMIT 51"
        );
    }

    #[test]
    fn a_value_longer_than_the_limit_is_marked() {
        assert_eq!(cut("short"), "short");
        let long = "x".repeat(VALUE_CHARS + 1);
        let shown = cut(&long);
        assert_eq!(shown.chars().count(), VALUE_CHARS + 1);
        assert!(shown.ends_with('…'));
    }
}
