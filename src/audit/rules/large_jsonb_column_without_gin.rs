//! # large-jsonb-column-without-gin
//!
//! ## What it finds
//! `jsonb` columns with no valid GIN index whose first key is the column, on tables with at least
//! 10,000 rows by the planner's estimate. Tables without statistics are left alone, and partitions
//! are not checked one by one.
//!
//! ## Why it matters
//! Filters such as `attributes @> '{"color": "red"}'` or `attributes ? 'size'` cannot use a B-tree
//! index, so they read the whole table; a GIN index turns them into an index lookup, often orders
//! of magnitude faster. Small tables are read quickly anyway, which is why only large ones are
//! reported.
//!
//! ## Example
//! ```sql
//! CREATE TABLE products (id bigint PRIMARY KEY, attributes jsonb);   -- 2 million rows
//! SELECT * FROM products WHERE attributes @> '{"color": "red"}';     -- reads every row
//! ```
//!
//! ## Fix
//! Create a GIN index on the column. pglens drafts
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_<table>_<column> ON ... USING gin (<column>)` with
//! the default operator class, which serves `@>`, `?`, `?|`, `?&`, `@?` and `@@`. If queries only
//! use `@>` (or the jsonpath operators `@?` and `@@`), the smaller and faster `jsonb_path_ops`
//! operator class is worth writing by hand. Queries on one key's value
//! (`attributes->>'color' = 'red'`) are better served by a B-tree index on that expression.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: building an index changes no data, and `CONCURRENTLY` lets
//! reads and writes go on while it builds.
//! - `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block: run it on its own, not
//!   inside a migration tool's transaction.
//! - On a large table the build takes a while and adds I/O load; it also waits for transactions
//!   already using the table to finish. A GIN index on a large `jsonb` column can be big: check the
//!   free disk space.
//! - A build that fails or is cancelled leaves an invalid index of that name behind, and
//!   `IF NOT EXISTS` then skips it on a retry: drop the invalid index first (see invalid-index).
//!   Likewise, if an index of that name already exists (say a B-tree), nothing is created.
//! - Every later write to the column also updates the index, which slows writes somewhat.
//! - PostgreSQL refuses `CONCURRENTLY` on a partitioned table: there pglens drafts the index on
//!   the parent without it, for review, since it blocks writes while it builds; on big
//!   partitions create each partition's index concurrently first.

use super::array_column_without_gin::{gin_index_fix, has_gin};
use super::prelude::*;

pub struct LargeJsonbColumnWithoutGin;

static META: RuleMeta = RuleMeta {
    id: "large-jsonb-column-without-gin",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "jsonb column on a large table without a GIN index",
    counterparts: &[],
};

/// Row count from which a missing GIN index is worth a finding.
const MIN_ROWS: i64 = 10_000;

impl Rule for LargeJsonbColumnWithoutGin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        // Size is what makes a missing GIN index matter.
        cx.missing_table_statistics()
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            let rows = t.stats.as_ref().and_then(|s| s.estimated_rows).unwrap_or(0);
            if rows < MIN_ROWS {
                continue;
            }
            for c in &t.columns {
                if c.type_kind != TypeKind::Jsonb || has_gin(t, &c.name) {
                    continue;
                }
                let fix = gin_index_fix(t, &c.name);
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "jsonb column {}.{}.{} on a table of about {rows} rows has no GIN index",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
