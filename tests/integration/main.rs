//! Integration tests against a real PostgreSQL (see `tests/common/mod.rs` for the harness).
//! One test binary, so the throwaway cluster starts once for all of them.

// Tests fail loudly by design; the library denies unwrap and expect (Cargo.toml [lints]).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod audit_cli;
mod cleanup_plan;
mod cli;
mod code_refs;
mod connection;
mod demo_snapshot;
mod drift;
mod e2e_tmux;
mod explorer;
mod full_text;
mod grants;
mod hostile_identifiers;
mod hostile_output;
mod introspection;
mod migrations;
mod offline;
mod peek;
mod rls;
mod rules;
mod safe_fixes;
mod shapes;
mod workload;

/// An empty working directory of this run's own, removed by nobody (it is in /tmp).
pub fn neutral_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pglens-cwd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a working directory");
        dir
    })
}

/// Runs the `pglens` binary as a user would: no PG* variables from the developer's shell,
/// no colour, in an empty working directory of this run's own (a `pglens.toml` someone
/// left in /tmp would otherwise suppress findings the snapshots expect).
/// Returns the exit status, standard output and standard error.
pub fn run_pglens(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pglens"))
        .args(args)
        .env_remove("PGHOST")
        .env_remove("PGPASSWORD")
        .env("NO_COLOR", "1")
        .current_dir(neutral_dir())
        .output()
        .expect("run pglens");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
