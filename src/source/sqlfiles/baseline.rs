//! What migration files are applied on top of. A Supabase project's migrations reference
//! what the platform creates before them (`REFERENCES auth.users`, `ON storage.objects`,
//! `auth.uid()`, `TO authenticated`) and never create it, so read alone their first table
//! fails and everything after it with it. The Supabase baseline (`assets/platform/
//! supabase.sql`, pglens's own definitions) is applied first when the files are a Supabase
//! project's, or when `--base supabase` says so.

use std::path::{Path, PathBuf};

/// What an offline source starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Base {
    /// Supabase's when the files are a Supabase project's (see [`Base::resolve`]).
    #[default]
    Auto,
    /// Nothing: the files hold everything.
    None,
    /// Supabase's platform baseline.
    Supabase,
}

/// The Supabase platform baseline's text.
pub const SUPABASE_SQL: &str = include_str!("../../../assets/platform/supabase.sql");

/// How the baseline's objects are labelled as their origin.
pub const SUPABASE_LABEL: &str = "<Supabase platform baseline v1>";

impl Base {
    /// Whether the Supabase baseline goes first. `Auto` says yes for a Supabase project
    /// (a `supabase/config.toml` at or above the paths, or files that use what only the
    /// platform provides), unless the files create the `auth` schema themselves (a full
    /// dump of a Supabase database, or test stubs), where a baseline would collide.
    pub fn wants_supabase(self, paths: &[PathBuf], texts: &[&str]) -> bool {
        match self {
            Base::None => false,
            Base::Supabase => true,
            Base::Auto => {
                (paths.iter().any(|p| supabase_config_near(p))
                    || texts.iter().any(|t| uses_platform(t)))
                    && !texts.iter().any(|t| creates_auth_schema(t))
            }
        }
    }
}

/// A `config.toml` of the Supabase CLI beside the migrations folder, in the folder itself,
/// or in a `supabase/` folder of the path.
fn supabase_config_near(path: &Path) -> bool {
    let dir = if path.is_dir() {
        Some(path)
    } else {
        path.parent()
    };
    let Some(dir) = dir else { return false };
    [
        dir.join("config.toml"),
        dir.join("supabase/config.toml"),
        dir.join("../config.toml"),
    ]
    .iter()
    .any(|c| c.is_file() && is_supabase_config(c))
}

fn is_supabase_config(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains("project_id") || t.contains("[api]"))
}

/// What only the platform provides, as migrations name it.
fn uses_platform(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "auth.users",
        "auth.uid()",
        "auth.jwt()",
        "auth.role()",
        "storage.objects",
        "storage.buckets",
        "supabase_realtime",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

fn creates_auth_schema(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let squeezed: String = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    [
        "create schema auth",
        "create schema if not exists auth",
        "create schema \"auth\"",
        "create schema if not exists \"auth\"",
    ]
    .iter()
    .any(|c| {
        squeezed.match_indices(c).any(|(at, m)| {
            // `CREATE SCHEMA authz` is another schema.
            !squeezed[at + m.len()..]
                .starts_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_that_uses_the_platform_gets_the_baseline_unless_it_creates_auth() {
        let app = "create table profiles (id uuid references auth.users on delete cascade);";
        assert!(Base::Auto.wants_supabase(&[], &[app]));
        assert!(!Base::Auto.wants_supabase(&[], &["create table t (id int);"]));
        let stubs = "CREATE SCHEMA auth;\nCREATE TABLE auth.users (id uuid);";
        assert!(!Base::Auto.wants_supabase(&[], &[stubs, app]));
        assert!(Base::Auto.wants_supabase(&[], &["CREATE SCHEMA authz;", app]));
        assert!(Base::Supabase.wants_supabase(&[], &[stubs]));
        assert!(!Base::None.wants_supabase(&[], &[app]));
    }

    #[test]
    fn a_supabase_cli_project_is_known_by_its_config() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = dir.path().join("supabase/migrations");
        std::fs::create_dir_all(&migrations).unwrap();
        let plain = "create table notes (id bigint primary key);";
        assert!(!Base::Auto.wants_supabase(std::slice::from_ref(&migrations), &[plain]));
        std::fs::write(
            dir.path().join("supabase/config.toml"),
            "project_id = \"x\"\n",
        )
        .unwrap();
        for given in [
            dir.path().to_path_buf(),
            dir.path().join("supabase"),
            migrations,
        ] {
            assert!(
                Base::Auto.wants_supabase(std::slice::from_ref(&given), &[plain]),
                "{given:?}"
            );
        }
    }
}
