//! # migration-duplicate-definition
//!
//! ## What it finds
//! The same table, view or function created by two different migration files (seed 003's
//! `platform_connections`, defined in both 005 and 007 with different columns).
//!
//! ## Why it matters
//! Which definition a database has depends on which migration ran last, and whether the
//! second one was guarded with `IF NOT EXISTS` (then it silently did nothing). Production,
//! staging and a fresh checkout end up with different tables of the same name.
//!
//! ## Example
//! ```sql
//! -- 005_connections.sql
//! CREATE TABLE IF NOT EXISTS platform_connections (id uuid PRIMARY KEY, platform text);
//! -- 007_oauth.sql
//! CREATE TABLE IF NOT EXISTS platform_connections (id uuid PRIMARY KEY, provider text, token text);
//! ```
//!
//! ## Fix
//! Decide which definition is true (`pglens diff` the folder against production), keep that
//! one, and turn the other into an `ALTER TABLE` migration or delete it. No SQL is drafted.

use super::migration_support::{migrations, place};
use super::prelude::*;

pub struct MigrationDuplicateDefinition;

static META: RuleMeta = RuleMeta {
    id: "migration-duplicate-definition",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "The same object is created by two migration files",
    counterparts: &[],
};

const CREATES: &[&str] = &[
    "CREATE TABLE",
    "CREATE VIEW",
    "CREATE MATERIALIZED VIEW",
    "CREATE FUNCTION",
];

impl Rule for MigrationDuplicateDefinition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        let creates: Vec<_> = m
            .statements
            .iter()
            .filter(|s| CREATES.contains(&s.command.as_str()) && s.object.is_some())
            .collect();
        for (i, s) in creates.iter().enumerate() {
            // Report each later definition against the first one in another file.
            let Some(first) = creates[..i]
                .iter()
                .find(|f| f.object == s.object && f.location.file != s.location.file)
            else {
                continue;
            };
            out.push(META.finding(
                ObjectRef::migration(&s.location),
                format!(
                    "{} {} again; {} created it first",
                    s.command,
                    s.object.as_deref().unwrap_or(""),
                    place(&first.location)
                ),
            ));
        }
    }
}
