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
    introspect::introspect(&primary, helper.as_ref(), &options, progress).await
}
