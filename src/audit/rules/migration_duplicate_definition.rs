//! # migration-duplicate-definition
//!
//! ## What it finds
//! The same table, view, materialized view or function (same name and argument types) created by
//! two different migration files. Each later definition is reported against the first one; two
//! definitions in the same file are not. A later `CREATE OR REPLACE` of a view or function is
//! not one: it replaces the definition on purpose, and every database that runs the files in
//! order ends with the last one (it is how Supabase and most migration folders update a
//! function). A `DROP` of the object in between starts it afresh too: dropping and creating
//! again is a deliberate redefinition, not a second copy.
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
//! has), keep that one, and turn the other into an `ALTER TABLE` migration or delete it. For a
//! view or function, make the later definition a `CREATE OR REPLACE`, which says it is meant.
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

/// Statements after which the object they drop may be created again.
const DROPS: &[&str] = &[
    "DROP TABLE",
    "DROP VIEW",
    "DROP MATERIALIZED VIEW",
    "DROP FUNCTION",
];

impl Rule for MigrationDuplicateDefinition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        // The earlier definitions of each object, so each statement looks only at its own.
        let mut earlier: std::collections::HashMap<&str, Vec<&MigrationStatement>> =
            std::collections::HashMap::new();
        for s in &m.statements {
            let Some(object) = s.object.as_deref() else {
                continue;
            };
            if DROPS.contains(&s.command.as_str()) {
                // DROP FUNCTION f drops f(...) whatever its arguments, as far as this rule
                // can tell.
                earlier.retain(|o, _| {
                    *o != object && o.strip_prefix(object).is_none_or(|r| !r.starts_with('('))
                });
                continue;
            }
            if !CREATES.contains(&s.command.as_str()) {
                continue;
            }
            let replaces =
                s.guarded && matches!(s.command.as_str(), "CREATE VIEW" | "CREATE FUNCTION");
            if replaces {
                earlier.insert(object, vec![s]);
                continue;
            }
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
