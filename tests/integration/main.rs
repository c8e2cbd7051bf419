//! Integration tests against a real PostgreSQL (see `tests/common/mod.rs` for the harness).
//! One test binary, so the throwaway cluster starts once for all of them.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod connection;
mod demo_snapshot;
mod introspection;
