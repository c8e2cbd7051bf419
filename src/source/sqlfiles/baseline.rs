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
pub const SUPABASE_LABEL: &str = "<Supabase platform baseline v3>";

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
                (paths.iter().any(|p| supabase_config(p).is_some())
                    || texts.iter().any(|t| uses_platform(t)))
                    && !texts.iter().any(|t| creates_auth_schema(t))
            }
        }
    }
}

/// Whether `dir` is the `migrations` folder of a Supabase CLI project, whose naming rules
/// decide which files apply.
pub fn is_supabase_cli_folder(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == "migrations")
        && dir
            .parent()
            .is_some_and(|p| p.join("config.toml").is_file())
        && supabase_config(dir).is_some()
}

/// The Supabase CLI's `config.toml` beside the migrations folder, in the folder itself, or
/// in a `supabase/` folder of the path, with its text.
fn supabase_config(path: &Path) -> Option<(PathBuf, String)> {
    let dir = if path.is_dir() {
        Some(path)
    } else {
        path.parent()
    };
    [
        dir?.join("config.toml"),
        dir?.join("supabase/config.toml"),
        dir?.join("../config.toml"),
    ]
    .into_iter()
    .filter(|c| c.is_file())
    .find_map(|c| {
        let text = std::fs::read_to_string(&c).ok()?;
        (text.contains("project_id") || text.contains("[api]")).then_some((c, text))
    })
}

/// What the project's HTTP API exposes, from the CLI's `config.toml`: the `[api] schemas`
/// PostgREST serves (the CLI's default when unset: `public` and `graphql_public`; none when
/// `[api] enabled = false`). None when there is no config beside the paths. A config that
/// does not parse is an error that names it, not a silent default.
pub fn exposed_schemas(paths: &[PathBuf]) -> Result<Option<Vec<String>>, String> {
    let Some((path, text)) = paths.iter().find_map(|p| supabase_config(p)) else {
        return Ok(None);
    };
    let config: CliConfig =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let api = config.api.unwrap_or_default();
    if api.enabled == Some(false) {
        return Ok(Some(Vec::new()));
    }
    Ok(Some(api.schemas.unwrap_or_else(|| {
        CLI_DEFAULT_SCHEMAS.iter().map(|s| s.to_string()).collect()
    })))
}

/// The schemas `supabase init` writes into `[api] schemas`.
const CLI_DEFAULT_SCHEMAS: [&str; 2] = ["public", "graphql_public"];

/// The part of the CLI's config pglens reads; the rest is the CLI's business.
#[derive(serde::Deserialize)]
struct CliConfig {
    api: Option<ApiConfig>,
}

#[derive(serde::Deserialize, Default)]
struct ApiConfig {
    enabled: Option<bool>,
    schemas: Option<Vec<String>>,
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

    #[test]
    fn the_api_exposes_what_the_cli_config_says() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = dir.path().join("supabase/migrations");
        std::fs::create_dir_all(&migrations).unwrap();
        let given = std::slice::from_ref(&migrations);
        assert_eq!(exposed_schemas(given), Ok(None), "no config, nothing said");
        let config = dir.path().join("supabase/config.toml");
        let exposed = |text: &str| {
            std::fs::write(&config, text).unwrap();
            exposed_schemas(given)
        };
        let schemas = |list: &[&str]| Ok(Some(list.iter().map(|s| s.to_string()).collect()));
        assert_eq!(
            exposed("project_id = \"x\"\n[api]\nschemas = [\"public\", \"api\"]\nextra_search_path = [\"public\", \"extensions\"]\n"),
            schemas(&["public", "api"])
        );
        assert_eq!(
            exposed("project_id = \"x\"\n[db]\nport = 54322\n"),
            schemas(&["public", "graphql_public"]),
            "the CLI's default"
        );
        assert_eq!(
            exposed("project_id = \"x\"\n[api]\nenabled = false\n"),
            schemas(&[])
        );
        let broken = exposed("project_id = \"x\"\n[api\n").unwrap_err();
        assert!(broken.contains("config.toml"), "{broken}");
    }
}
