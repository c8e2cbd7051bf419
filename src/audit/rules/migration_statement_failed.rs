//! # migration-statement-failed
//!
//! ## What it finds
//! Statements of a migration file that pglens could not apply: they do not parse; they name
//! something that does not exist yet at that point of the migration order (a table altered before
//! it is created, a foreign key to a table created later); or they are a kind of statement pglens
//! does not model, which the message says; those are reported as info, since the statement
//! may run well.
//!
//! ## Why it matters
//! A statement that does not parse, or comes before what it depends on, fails the same way on a
//! fresh database: the migration folder cannot rebuild the schema it describes. A statement of a
//! kind pglens does not model (`ALTER DOMAIN`, `CREATE TYPE ... AS RANGE`) may well run; pglens
//! only lacks what it does. In every case what
//! the statement does is missing from pglens's model of the schema, so other findings about that
//! part of it may be missing or wrong.
//!
//! ## Example
//! ```sql
//! -- 003_indexes.sql
//! CREATE INDEX ON orders (account_id);   -- orders is created in 004_orders.sql
//! ```
//!
//! ## Fix
//! Correct the statement, or move it after what it depends on. If it depends on something created
//! outside these files, give pglens the folder or file that creates it as well. A statement pglens
//! does not model may be fine as it is: suppress the finding.
//!
//! ## Fix safety
//! No fix is drafted: the migration file itself has to change.
//! - Editing a file your databases have already applied changes nothing in them, and some migration
//!   tools refuse a changed file. When production already has the schema, correct the file so that
//!   fresh databases build, and keep further changes to new migrations.
//! - After moving a statement, run the folder against a fresh database to check that the order now
//!   works.

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
            let finding = META.finding(
                ObjectRef::migration(&p.location),
                format!("{} ({})", p.message, p.excerpt),
            );
            out.push(if p.is_not_modelled() {
                finding.with_severity(Severity::Info)
            } else {
                finding
            });
        }
    }
}
