//! # migration-index-without-concurrently
//!
//! ## What it finds
//! `CREATE INDEX` without `CONCURRENTLY` on a table that an earlier migration created, so
//! one that may already hold rows when this migration runs.
//!
//! ## Why it matters
//! A plain `CREATE INDEX` blocks every write to the table until the index is built: on a
//! large table, minutes of failed inserts and updates in production.
//!
//! ## Example
//! ```sql
//! -- 012_indexes.sql (leads was created in 003)
//! CREATE INDEX idx_leads_status ON leads (status);
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY`, in a migration of its own: it cannot run inside a
//! transaction block, and a failed build leaves an invalid index to drop and retry.

use super::migration_support::{existed_before, migrations};
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
        for s in m.statements.iter().filter(|s| s.command == "CREATE INDEX") {
            let Some(table) = s.table.as_deref() else {
                continue;
            };
            if s.traits.contains(&StatementTrait::Concurrently)
                || !existed_before(m, table, &s.location)
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
