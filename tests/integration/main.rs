//! Integration tests against a real PostgreSQL (see `tests/common/mod.rs` for the harness).
//! One test binary, so the throwaway cluster starts once for all of them.

#[path = "../common/mod.rs"]
mod common;

mod audit_cli;
mod cli;
mod connection;
mod demo_snapshot;
mod hostile_identifiers;
mod introspection;
mod rules;
