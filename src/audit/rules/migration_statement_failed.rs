//! # migration-statement-failed
//!
//! ## What it finds
//! Statements of a migration file that pglens could not apply: they do not parse, or they
//! name something that does not exist yet at that point of the migration order (a table
//! altered before it is created, a foreign key to a table created later).
//!
//! ## Why it matters
//! The same statement fails on a fresh database: the migration folder cannot rebuild the
//! schema it describes, and whatever the statement meant is missing from the model.
//!
//! ## Example
//! ```sql
//! -- 003_indexes.sql
//! CREATE INDEX ON orders (account_id);   -- orders is created in 004_orders.sql
//! ```
//!
//! ## Fix
//! Correct the statement or move it after what it depends on. There is no SQL to run: the
//! migration file itself is wrong.

use super::migration_support::migrations;
use super::prelude::*;

pub struct MigrationStatementFailed;

static META: RuleMeta = RuleMeta {
    id: "migration-statement-failed",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "Migration statement does not parse or names something not yet created",
    counterparts: &[],
};

impl Rule for MigrationStatementFailed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        for p in &m.problems {
            out.push(META.finding(
                ObjectRef::migration(&p.location),
                format!("{} ({})", p.message, p.excerpt),
            ));
        }
    }
}
