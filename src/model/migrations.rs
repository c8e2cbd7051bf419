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
}

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
