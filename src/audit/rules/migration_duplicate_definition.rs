//! # migration-duplicate-definition
//!
//! ## What it finds
//! The same table, view, materialized view or function (same name and argument types) created by
//! two different migration files. Each later definition is reported against the first one; two
//! definitions in the same file are not. A later `CREATE OR REPLACE` of a view or function counts
//! too, even when it is meant as an update.
//!
//! ## Why it matters
//! Which definition a database has depends on which migration ran last, and whether the second one
//! was guarded with `IF NOT EXISTS` (then it silently did nothing). Production, staging and a fresh
//! checkout end up with different tables of the same name.
//!
//! ## Example
//! ```sql
//! -- 005_customers.sql
//! CREATE TABLE IF NOT EXISTS customers (id uuid PRIMARY KEY, name text);
//! -- 007_billing.sql
//! CREATE TABLE IF NOT EXISTS customers (id uuid PRIMARY KEY, email text, plan text);
//! ```
//!
//! ## Fix
//! Decide which definition is true (`pglens diff` the folder against production shows which one it
//! has), keep that one, and turn the other into an `ALTER TABLE` migration or delete it. Where a
//! later `CREATE OR REPLACE` is how your migrations update a view or function, suppress the
//! finding.
//!
//! ## Fix safety
//! No fix is drafted: only you can tell which definition is meant.
//! - Before editing or deleting a migration file, check whether your databases have applied it.
//!   Editing an applied migration changes nothing in those databases, and some migration tools
//!   refuse a file that changed after it was applied. To change a table that already exists, add a
//!   new migration.
//! - Compare the live table with the definition you keep: rows, columns and code may already depend
//!   on the other one.

use super::migration_support::{migrations, place};
use super::prelude::*;
use crate::model::migrations::MigrationStatement;

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
        // The earlier definitions of each object, so each statement looks only at its own.
        let mut earlier: std::collections::HashMap<&str, Vec<&MigrationStatement>> =
            std::collections::HashMap::new();
        for s in creates {
            let object = s.object.as_deref().unwrap_or_default();
            let seen = earlier.entry(object).or_default();
            // Report each later definition against the first one in another file.
            let first = seen
                .iter()
                .find(|f| f.location.file != s.location.file)
                .copied();
            seen.push(s);
            let Some(first) = first else {
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
