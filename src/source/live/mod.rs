//! The live source: a running PostgreSQL, read through its catalog.
//!
//! [`conninfo`] resolves what the user typed the way libpq would, [`tls`] applies `sslmode`,
//! [`connect`] opens the connection and names failures, and [`introspect`] reads the
//! catalog in one read-only transaction.

pub mod connect;
pub mod conninfo;
pub mod introspect;
pub mod tls;

pub use connect::LiveError;
pub use conninfo::{ConnParams, SslMode};
pub use introspect::{IntrospectOptions, Progress};

use crate::model::Catalog;

/// Connects with `params` and reads the whole catalog.
pub async fn load(
    params: &ConnParams,
    progress: &mut dyn FnMut(Progress),
) -> Result<Catalog, LiveError> {
    let client = connect::connect(params).await?;
    let options = IntrospectOptions {
        source_label: params.label(),
        ..IntrospectOptions::default()
    };
    introspect::introspect(&client, &options, progress).await
}
