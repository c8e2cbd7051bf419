//! # array-column-without-gin
//!
//! ## What it finds
//! Array columns (`text[]`, `uuid[]`, ...) of the application's tables with no valid GIN index
//! whose first key is the column. Partitions are not checked one by one; their parent table is.
//!
//! ## Why it matters
//! A B-tree index cannot answer "does this array contain X", so searches such as
//! `tags @> ARRAY['urgent']` or `tags && ARRAY['urgent', 'late']` read every row of the table. A
//! GIN index indexes each element and turns them into an index lookup, often orders of magnitude
//! faster on a large table. (`'urgent' = ANY(tags)` cannot use a GIN index either: write it as
//! `tags @> ARRAY['urgent']`.)
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id bigint PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}');
//! SELECT * FROM projects WHERE tags @> ARRAY['urgent'];   -- reads the whole table
//! ```
//!
//! ## Fix
//! Create a GIN index on the column. pglens drafts
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_<table>_<column> ON ... USING gin (<column>)`. If
//! nobody searches inside the array, skip the index and suppress the finding: a GIN index makes
//! writes to the column slower and takes space.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: building an index changes no data, and `CONCURRENTLY` lets
//! reads and writes go on while it builds.
//! - `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block: run it on its own, not
//!   inside a migration tool's transaction.
//! - On a large table the build takes a while and adds I/O load; it also waits for transactions
//!   already using the table to finish.
//! - A build that fails or is cancelled leaves an invalid index of that name behind, and
//!   `IF NOT EXISTS` then skips it on a retry: drop the invalid index first (see invalid-index).
//!   Likewise, if an index of that name already exists (say a B-tree), nothing is created.
//! - PostgreSQL refuses `CONCURRENTLY` on a partitioned table: create the index on each partition
//!   concurrently, or on the parent without `CONCURRENTLY`, which blocks writes while it builds.

use super::prelude::*;

pub struct ArrayColumnWithoutGin;

static META: RuleMeta = RuleMeta {
    id: "array-column-without-gin",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Array column without a GIN index",
    counterparts: &[],
};

/// `CREATE INDEX CONCURRENTLY ... USING gin (column)`, shared with the jsonb rule.
pub fn gin_index_fix(t: &Relation, column: &str) -> Fix {
    Fix::safe(vec![fix::create_index(
        t,
        &fix::index_name(t, &[column]),
        "gin",
        &[fix::KeySpec::asc(column)],
    )])
    .note("CREATE INDEX CONCURRENTLY cannot run inside a transaction block.")
}

/// Whether some valid GIN index leads with `column`.
pub fn has_gin(t: &Relation, column: &str) -> bool {
    t.indexes
        .iter()
        .any(|i| i.valid && i.method == "gin" && i.leading_columns().next() == Some(column))
}

impl Rule for ArrayColumnWithoutGin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in &t.columns {
                if !matches!(c.type_kind, TypeKind::Array { .. }) || has_gin(t, &c.name) {
                    continue;
                }
                let fix = gin_index_fix(t, &c.name);
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "array column {}.{}.{} has no GIN index; containment searches scan the table",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
