//! Names the commit in `pglens --version` (`0.1.0 (1a2b3c4d 2026-12-01)`), so a bug report
//! says exactly what was built. Without git or outside a repository (a crate archive), the
//! version is the crate's alone; the build never fails for it.

use std::path::Path;
use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let full = match commit() {
        Some((hash, date)) => format!("{version} ({hash} {date})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=PGLENS_VERSION={full}");
    // Rebuild when HEAD moves: HEAD itself (checkout), the branch it points at (commit).
    // Only paths that exist: a missing one would make cargo rerun this on every build.
    let git = Path::new(".git");
    for path in [git.join("HEAD"), git.join("packed-refs")] {
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    if let Ok(head) = std::fs::read_to_string(git.join("HEAD")) {
        if let Some(branch) = head.trim().strip_prefix("ref: ") {
            let reference = git.join(branch);
            if reference.exists() {
                println!("cargo:rerun-if-changed={}", reference.display());
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// The short hash and commit date of HEAD, if git can tell.
fn commit() -> Option<(String, String)> {
    let out = Command::new("git")
        .args(["log", "-1", "--format=%h %cs"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8(out.stdout).ok()?;
    let (hash, date) = text.trim().split_once(' ')?;
    Some((hash.to_string(), date.to_string()))
}
