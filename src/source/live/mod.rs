//! The live source: a running PostgreSQL, read through its catalog.
//!
//! [`conninfo`] resolves what the user typed the way libpq would, [`tls`] applies `sslmode`,
//! [`connect`] opens the connection and names failures, and [`introspect`] reads the
//! catalog in one read-only transaction. [`peek`] reads a table's first rows, also read only.

mod columns;
pub mod connect;
pub mod conninfo;
mod constraints;
mod indexes;
pub mod introspect;
pub mod peek;
mod relations;
pub mod rls;
pub mod tls;
mod workload;

pub use connect::LiveError;
pub use conninfo::{ConnParams, SslMode};
pub use introspect::{IntrospectOptions, Progress};

use crate::model::Catalog;

/// Connects with `params` and reads the whole catalog.
///
/// A second connection shares the work when the server allows one; without it (connection
/// limit reached, or any other refusal) everything runs on the first.
pub async fn load(
    params: &ConnParams,
    progress: &mut dyn FnMut(Progress),
) -> Result<Catalog, LiveError> {
    let primary = connect::connect(params).await?;
    let helper = connect::connect(params).await.ok();
    let options = IntrospectOptions {
        source_label: params.label(),
        ..IntrospectOptions::default()
    };
    match introspect::introspect(&primary, helper.as_ref(), &options, progress).await {
        Err(LiveError::Locked { what, .. }) => Err(LiveError::Locked {
            what,
            tables: exclusively_locked(&primary).await,
        }),
        other => other,
    }
}

/// The relations another session holds an ACCESS EXCLUSIVE lock on, to name them when a
/// catalog read timed out waiting (read after the failed transaction was rolled back).
async fn exclusively_locked(client: &tokio_postgres::Client) -> String {
    const SQL: &str = "SELECT coalesce(string_agg(DISTINCT format('%s (pid %s)', l.relation::regclass, l.pid), ', '), '') \
         FROM pg_catalog.pg_locks l \
         WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted \
           AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
           AND l.pid <> pg_catalog.pg_backend_pid()";
    let rows = client.simple_query(SQL).await.unwrap_or_default();
    rows.iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        })
        .unwrap_or_default()
}
