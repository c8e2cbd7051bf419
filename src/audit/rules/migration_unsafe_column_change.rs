//! # migration-unsafe-column-change
//!
//! ## What it finds
//! On a table that an earlier migration file created (so one that may hold rows):
//! `ADD COLUMN ... NOT NULL` (or `PRIMARY KEY`) without a default, identity or generated value, and
//! `ALTER COLUMN ... TYPE` that rewrites the table. A `NOT NULL` column added with a default is
//! left alone, and so are the type changes PostgreSQL makes in its catalog alone, rewriting no
//! row and rebuilding no index: `varchar(50)` to `varchar(100)` or to `text`, `text` to
//! `varchar`, `numeric(10,2)` to `numeric(12,2)` (without `USING`). Django and Rails write these
//! whenever a `max_length` grows.
//!
//! ## Why it matters
//! Adding a NOT NULL column without a default fails outright on a table with rows. Changing a
//! column's type rewrites the whole table under an exclusive lock (most type changes), so reads and
//! writes wait for the rewrite.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ADD COLUMN region text NOT NULL;
//! ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;
//! ```
//!
//! ## Fix
//! For a NOT NULL column: add it nullable, backfill it, then `SET NOT NULL`. When one value suits
//! every existing row, `ADD COLUMN ... NOT NULL DEFAULT <value>` is simpler, and fast for a
//! constant default. For a type change: add a new column, backfill it (in batches on a large
//! table), and swap the names. pglens drafts both patterns in place of the statement; code that
//! writes the column must write both columns during the change.
//!
//! ## Fix safety
//! pglens marks this fix for review: the draft is a template to finish, not a statement to paste.
//! - The NOT NULL draft's backfill sets the column to `NULL` until you replace the placeholder with
//!   the value existing rows should have; left as it is, `SET NOT NULL` fails.
//! - The type in the draft is the column's type in the schema the migrations build (`text` when
//!   pglens cannot tell): check it is the one you want.
//! - The backfill is one `UPDATE` of every row: on a large table it runs long, locks rows and
//!   bloats the table. Batch it there.
//! - `SET NOT NULL` reads the whole table under an exclusive lock. On a large table, add a
//!   `CHECK (<column> IS NOT NULL) NOT VALID` constraint and validate it first; `SET NOT NULL` then
//!   skips the scan (PostgreSQL 12 or later).
//! - After the type swap, indexes, constraints, defaults, foreign keys, views and policies still
//!   belong to the old column, renamed `<column>_old`: create them on the new column, then drop the
//!   old one when nothing needs it.
//! - Rows written between the backfill and the swap are missing from the new column unless the
//!   application writes both columns: deploy that first, and run the backfill again just before the
//!   swap.
//! - The type-change draft's `ADD COLUMN` has no `IF NOT EXISTS`, so it fails on a second run.

use super::migration_support::{migrations, History};
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
        let history = History::new(m);
        for s in m.statements.iter().filter(|s| s.command == "ALTER TABLE") {
            let Some(table) = s.table.as_deref() else {
                continue;
            };
            if !history.existed_before(table, &s.location) {
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
