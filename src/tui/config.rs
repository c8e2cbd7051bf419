//! The user's config file: `$PGLENS_CONFIG`, else `$XDG_CONFIG_HOME/pglens/config.toml`
//! (`~/.config/pglens/config.toml`). Everything is optional; unknown keys are errors that
//! name the key.
//!
//! ```toml
//! theme = "light"                 # default, light, high-contrast, or a path
//! ignore_file = "pglens.toml"     # where `s` writes suppressions
//! plan_file = "pglens-plan.toml"  # where `m` saves cleanup decisions
//! code = ["../app"]              # searched for references (as --code; relative to the cwd)
//! [keys]
//! quit = ["q", "Ctrl-c"]
//! search = "/"
//! [[category]]
//! name = "Billing"
//! tables = ["billing_*", "stripe_*"]
//! [schemas]
//! include = ["public", "billing"] # only these (default: all)
//! exclude = ["archive"]           # never these
//! hide_platform = true            # start with auth, storage, ... hidden (P shows them)
//! [rls]                           # for RLS as a user, where the schema does not say
//! membership = "public.org_members(org_id, user_id)"
//! [rls.scope]
//! "public.notes" = "created_by"   # the user's rows; "tenant:org_id" a tenant's; "none"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::categorize::CategoryRule;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub theme: Option<String>,
    pub ignore_file: Option<PathBuf>,
    /// Where `m` saves the cleanup plan (default: ./pglens-plan.toml).
    pub plan_file: Option<PathBuf>,
    /// The application's source code, searched for references (as `--code`).
    #[serde(default)]
    pub code: Vec<PathBuf>,
    /// A categories file to use instead of (or besides) `[[category]]` here.
    pub categories_file: Option<PathBuf>,
    #[serde(default)]
    pub keys: BTreeMap<String, OneOrMany>,
    #[serde(default, rename = "category")]
    pub categories: Vec<CategoryRule>,
    #[serde(default)]
    pub schemas: SchemasConfig,
    /// `[rls]`: whose rows are whose, where the schema does not say (`U`, `pglens rls`).
    #[serde(default)]
    pub rls: crate::rls::ScopeOverrides,
}

/// `[schemas]`: which schemas the explorer shows.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemasConfig {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub hide_platform: bool,
}

/// A key binding given as one string or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Config {
    /// Key overrides as lists.
    pub fn key_overrides(&self) -> BTreeMap<String, Vec<String>> {
        self.keys
            .iter()
            .map(|(k, v)| {
                let keys = match v {
                    OneOrMany::One(s) => vec![s.clone()],
                    OneOrMany::Many(list) => list.clone(),
                };
                (k.clone(), keys)
            })
            .collect()
    }

    pub fn parse(text: &str, name: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| format!("config {name}: {e}"))?;
        let categories = crate::categorize::CategoryConfig {
            categories: config.categories.clone(),
        };
        categories
            .check()
            .map_err(|e| format!("config {name}: {e}"))?;
        Ok(config)
    }

    /// Reads the config file if there is one. A missing default file is fine; a missing
    /// file named by PGLENS_CONFIG is an error.
    pub fn load() -> Result<Config, String> {
        if let Some(path) = std::env::var_os("PGLENS_CONFIG") {
            let path = PathBuf::from(path);
            return read(&path);
        }
        match default_path() {
            Some(path) if path.is_file() => read(&path),
            _ => Ok(Config::default()),
        }
    }
}

fn read(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
    Config::parse(&text, &path.display().to_string())
}

/// `$XDG_CONFIG_HOME/pglens/config.toml`, or under `~/.config`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("pglens").join("config.toml"))
}

/// Where pglens keeps state (the last copied SQL): `$XDG_STATE_HOME/pglens`, or
/// `~/.local/state/pglens`, or the temp directory.
///
/// Without XDG_STATE_HOME or HOME it is `pglens-<uid>` in the temporary directory, which
/// [`create_private_dir`] makes private to this user: a shared, predictable path there
/// would let another user plant a link where pglens writes.
pub fn state_dir() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })
        .map(|d| d.join("pglens"))
        .unwrap_or_else(|| std::env::temp_dir().join(format!("pglens-{}", current_uid())))
}

fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Creates the state directory before a file is written there. The shared temporary
/// fallback must be a real directory (not a link) owned by this user and closed to others,
/// or the write is refused rather than sent somewhere another user chose; a directory under
/// the user's own home is simply created.
pub fn prepare_state_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    if !dir.starts_with(std::env::temp_dir()) {
        return std::fs::create_dir_all(dir);
    }
    match std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let m = std::fs::symlink_metadata(dir)?;
    let private = m.is_dir() && m.uid() == current_uid() && m.permissions().mode() & 0o022 == 0;
    if private {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a directory of this user's that others cannot write to; refusing to write there",
                dir.display()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_state_dir_that_is_not_ours_alone_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("pglens-new");
        prepare_state_dir(&fresh).unwrap();
        assert_eq!(
            std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
            0o700
        );

        let elsewhere = tmp.path().join("planted-target");
        std::fs::create_dir(&elsewhere).unwrap();
        let planted = tmp.path().join("pglens-planted");
        std::os::unix::fs::symlink(&elsewhere, &planted).unwrap();
        assert!(
            prepare_state_dir(&planted).is_err(),
            "a link is not our directory"
        );

        let open = tmp.path().join("pglens-open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(prepare_state_dir(&open).is_err(), "others may write there");
    }

    #[test]
    fn parses_everything_and_names_unknown_keys() {
        let c = Config::parse(
            "theme = \"light\"\n[keys]\nquit = \"x\"\nsearch = [\"/\", \"Ctrl-f\"]\n[[category]]\nname = \"B\"\ntables = [\"b_*\"]\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.key_overrides()["search"], ["/", "Ctrl-f"]);
        assert_eq!(c.categories[0].name, "B");
        let e = Config::parse("them = \"light\"\n", "c.toml").unwrap_err();
        assert!(e.contains("c.toml") && e.contains("them"), "{e}");
    }
}
