//! # migration-unsafe-column-change
//!
//! ## What it finds
//! On a table an earlier migration created (so one that may hold rows): `ADD COLUMN ...
//! NOT NULL` without a default, and `ALTER COLUMN ... TYPE`.
//!
//! ## Why it matters
//! Adding a NOT NULL column without a default fails outright on a table with rows. Changing
//! a column's type rewrites the whole table under an exclusive lock (most type changes), so
//! reads and writes wait for the rewrite.
//!
//! ## Example
//! ```sql
//! ALTER TABLE leads ADD COLUMN tenant_id uuid NOT NULL;
//! ALTER TABLE leads ALTER COLUMN score TYPE bigint;
//! ```
//!
//! ## Fix
//! The safe pattern: add the column nullable, backfill it, then `SET NOT NULL`; for a type
//! change, add a new column, backfill it (in batches on a large table), and swap the names.
//! Code that writes the column must write both during the change.

use super::migration_support::{existed_before, migrations};
use super::prelude::*;
use crate::model::migrations::StatementTrait;

pub struct MigrationUnsafeColumnChange;

static META: RuleMeta = RuleMeta {
    id: "migration-unsafe-column-change",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "NOT NULL column without default, or type change, on an existing table",
    counterparts: &[
        "squawk:adding-required-field",
        "squawk:changing-column-type",
    ],
};

impl Rule for MigrationUnsafeColumnChange {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        for s in m.statements.iter().filter(|s| s.command == "ALTER TABLE") {
            let Some(table) = s.table.as_deref() else {
                continue;
            };
            if !existed_before(m, table, &s.location) {
                continue;
            }
            let Some((schema, name)) = table.split_once('.') else {
                continue;
            };
            let column_type = |column: &str| {
                cx.catalog
                    .relation(schema, name)
                    .and_then(|r| r.column(column))
                    .map(|c| c.data_type.clone())
                    .unwrap_or_else(|| "text".into())
            };
            for t in &s.traits {
                let (message, statements) = match t {
                    StatementTrait::AddsNotNullWithoutDefault(column) => (
                        format!("adds NOT NULL column {column} without a default to {table}, which fails once the table has rows"),
                        fix::add_not_null_column_safely(schema, name, column, &column_type(column)),
                    ),
                    StatementTrait::ChangesColumnType(column) => (
                        format!("changes the type of {table}.{column} in place, rewriting the table under an exclusive lock"),
                        fix::change_column_type_safely(schema, name, column, &column_type(column)),
                    ),
                    StatementTrait::Concurrently => continue,
                };
                out.push(
                    META.finding(ObjectRef::migration(&s.location), message)
                        .with_fix(Fix::review(
                            statements,
                            &[
                                "Fill in the backfill value; on a large table backfill in batches.",
                                "Deploy code that writes the new column before the swap.",
                            ],
                        )),
                );
            }
        }
    }
}
