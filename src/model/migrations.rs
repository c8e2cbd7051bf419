//! What an offline source (a folder of migration files) knows beyond the schema itself:
//! the files in the order they applied, each statement with where it is, and the
//! statements that could not be applied. Migration rules read this; live sources and
//! snapshots of them have none.

use serde::{Deserialize, Serialize};

use super::Location;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Migrations {
    /// The files, in the order they were applied, as the user named them.
    pub files: Vec<String>,
    pub statements: Vec<MigrationStatement>,
    /// Statements that did not parse, or refer to something that does not exist yet.
    pub problems: Vec<MigrationProblem>,
    /// Files that say they are meant to be run again, with a [`RERUN_MARKER`] comment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rerun_files: Vec<String>,
    /// Files in the folder that its migration tool would not apply, so pglens did not
    /// either: a Supabase project's files without a `<version>_name.sql` name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unapplied_files: Vec<String>,
    /// Objects of the platform or of an extension that statements use and no file (nor
    /// the platform baseline) creates, which pglens assumed exist so the statements apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<AssumedObject>,
}

/// An object a statement uses that pglens took to exist: `auth.mfa_factors` referenced by a
/// foreign key, a trigger's `pgsodium.trg_encrypt()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssumedObject {
    pub location: Location,
    /// `table auth.mfa_factors`, `function pgsodium.trg_encrypt()`.
    pub object: String,
}

/// The comment that marks a file as meant to be run again (`-- pglens: rerunnable`), for
/// files whose name does not say so.
pub const RERUN_MARKER: &str = "pglens: rerunnable";

/// One statement of a migration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationStatement {
    pub location: Location,
    /// What it does, as SQL names it: `CREATE TABLE`, `ALTER TABLE`, `DO`, ...
    pub command: String,
    /// The object it creates or changes, `schema.name`, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// `IF NOT EXISTS` / `IF EXISTS` / `OR REPLACE`: safe to run twice.
    #[serde(default)]
    pub guarded: bool,
    /// Recorded but not applied to the model: DO blocks and data statements.
    #[serde(default)]
    pub skipped: bool,
    /// The table the statement works on (`schema.name`), for indexes, policies, triggers
    /// and ALTER TABLE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// What the migration rules look for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traits: Vec<StatementTrait>,
    /// The statement's text, for fixes that show its guarded form.
    #[serde(default)]
    pub text: String,
}

/// Facts about a statement that make it risky to run against a live table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "trait", content = "column")]
pub enum StatementTrait {
    /// `CREATE INDEX CONCURRENTLY`.
    Concurrently,
    /// `ADD COLUMN ... NOT NULL` with no default: fails on a table with rows.
    AddsNotNullWithoutDefault(String),
    /// `ALTER COLUMN ... TYPE`: rewrites the table under an exclusive lock.
    ChangesColumnType(String),
}

/// A statement pglens could not apply, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationProblem {
    pub location: Location,
    pub message: String,
    /// The statement's first line, to recognise it by.
    pub excerpt: String,
}

/// How a problem's message says pglens lacks a model for what a statement does (the
/// statement may be fine), as opposed to one that fails on a server too.
const NOT_MODELLED: &str = "is not modelled by pglens";

/// The message for a statement pglens does not model: `what` names it.
pub fn not_modelled(what: &str) -> String {
    format!("{what} {NOT_MODELLED}")
}

impl MigrationProblem {
    /// Whether the statement is one pglens does not model, rather than one that fails.
    pub fn is_not_modelled(&self) -> bool {
        self.message.contains(NOT_MODELLED)
    }
}

/// How a migration file's name says it is meant to be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileNaming {
    /// A version prefix (`001_`, `20240101120000_`, Flyway's `V2__`): a migration tool
    /// applies it once, in order, and records that it did.
    Versioned(u128),
    /// Flyway's `R__name.sql`: applied again whenever it changes.
    Repeatable,
    /// No version: a schema script or seed file, run by hand or by a script, often again.
    Unversioned,
}

impl FileNaming {
    /// The naming of the file at `path` (only its last component is looked at).
    pub fn of(path: &str) -> Self {
        let name = file_name(path);
        if name.starts_with("R__") {
            return FileNaming::Repeatable;
        }
        let version = match name.strip_prefix(['V', 'v']) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => name,
        };
        let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
        match digits.parse::<u128>() {
            Ok(n) => FileNaming::Versioned(n),
            Err(_) => FileNaming::Unversioned,
        }
    }

    /// Whether the Supabase CLI applies a file of this name from `supabase/migrations`: it
    /// takes `<digits>_<name>.sql` and skips anything else with a warning.
    pub fn applied_by_supabase_cli(path: &str) -> bool {
        let name = file_name(path);
        let digits = name.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && name[digits..].starts_with('_') && name.ends_with(".sql")
    }

    /// Files whose name says they hold data to load, not schema changes: `seed.sql`,
    /// `seeds_dev.sql`, `002_seed_roles.sql`.
    pub fn is_seed_like(path: &str) -> bool {
        let name = file_name(path);
        name.to_ascii_lowercase().contains("seed")
    }
}

/// The last component of a path as the user gave it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::FileNaming;

    #[test]
    fn version_prefixes_are_told_from_scripts() {
        assert_eq!(
            FileNaming::of("m/20240101120000_init.sql"),
            FileNaming::Versioned(20_240_101_120_000)
        );
        assert_eq!(FileNaming::of("V2__users.sql"), FileNaming::Versioned(2));
        assert_eq!(FileNaming::of("db/R__views.sql"), FileNaming::Repeatable);
        assert_eq!(FileNaming::of("schema.sql"), FileNaming::Unversioned);
        assert_eq!(FileNaming::of("Views.sql"), FileNaming::Unversioned);
        assert!(FileNaming::applied_by_supabase_cli(
            "supabase/migrations/20240101120000_init.sql"
        ));
        for skipped in [
            "init.sql",
            "V2__users.sql",
            "2024-01-01_init.sql",
            "001init.sql",
        ] {
            assert!(!FileNaming::applied_by_supabase_cli(skipped), "{skipped}");
        }
        assert!(FileNaming::is_seed_like("supabase/seed.sql"));
        assert!(!FileNaming::is_seed_like("001_users.sql"));
    }
}
