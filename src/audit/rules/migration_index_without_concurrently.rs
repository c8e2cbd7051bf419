//! # migration-index-without-concurrently
//!
//! ## What it finds
//! `CREATE INDEX` without `CONCURRENTLY` on a table that an earlier migration file created, so one
//! that may already hold rows when this migration runs. Indexes on a table created in the same
//! file, or on a table no migration creates, are left alone.
//!
//! ## Why it matters
//! A plain `CREATE INDEX` blocks every write to the table until the index is built: on a large
//! table, minutes of failed inserts and updates in production.
//!
//! ## Example
//! ```sql
//! -- 012_indexes.sql (orders was created in 003_orders.sql)
//! CREATE INDEX idx_orders_status ON orders (status);
//! ```
//!
//! ## Fix
//! Build the index with `CONCURRENTLY`, in a migration of its own; pglens drafts the statement as
//! written with `CONCURRENTLY` added.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: it builds the same index, without blocking writes.
//! - `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block. Many migration tools run
//!   each file in a transaction: give the statement a file of its own, and check how your tool lets
//!   a file run outside a transaction.
//! - A concurrent build is slower than a plain one and waits for transactions already using the
//!   table.
//! - If it fails (a duplicate value for a unique index, a cancelled deploy), it leaves an invalid
//!   index behind, which must be dropped before a retry (see invalid-index); with `IF NOT EXISTS` a
//!   retry would silently keep the invalid one.
//! - PostgreSQL refuses `CONCURRENTLY` on a partitioned table: build the index on each partition
//!   instead.

use super::migration_support::{migrations, History};
use super::prelude::*;
use crate::model::migrations::StatementTrait;

pub struct MigrationIndexWithoutConcurrently;

static META: RuleMeta = RuleMeta {
    id: "migration-index-without-concurrently",
    severity: Severity::Warning,
    category: Category::Migrations,
    summary: "Index on an existing table built without CONCURRENTLY",
    counterparts: &["squawk:require-concurrent-index-creation"],
};

impl Rule for MigrationIndexWithoutConcurrently {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(m) = migrations(cx.catalog) else {
            return;
        };
        let history = History::new(m);
        for s in m.statements.iter().filter(|s| s.command == "CREATE INDEX") {
            let Some(table) = s.table.as_deref() else {
                continue;
            };
            if s.traits.contains(&StatementTrait::Concurrently)
                || !history.existed_before(table, &s.location)
            {
                continue;
            }
            let fix = fix::concurrently(&s.text).map(|stmt| {
                Fix::safe(vec![stmt]).note("CREATE INDEX CONCURRENTLY cannot run inside a transaction block: give it a migration of its own.")
            });
            let finding = META.finding(
                ObjectRef::migration(&s.location),
                format!(
                    "index on {table}, created by an earlier migration, is built without CONCURRENTLY and blocks writes while it builds"
                ),
            );
            out.push(match fix {
                Some(f) => finding.with_fix(f),
                None => finding,
            });
        }
    }
}
