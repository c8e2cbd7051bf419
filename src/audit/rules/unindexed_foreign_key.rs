//! # unindexed-foreign-key
//!
//! ## What it finds
//! Foreign keys whose columns are not the leading columns (in any order) of a valid index
//! on the referencing table. A partial index counts only when its predicate just leaves out
//! rows where the key is null (`WHERE parent_id IS NOT NULL`, as ORMs create them): the
//! lookup never looks for null. A partitioned table counts as indexed when it has the
//! index or every one of its partitions does (the lookup visits each partition's index).
//! A foreign key a partition declares itself, beyond its parent's, is checked on the
//! partition, where its own indexes and those inherited from the parent both serve it.
//!
//! ## Why it matters
//! Deleting or updating a parent row makes PostgreSQL look for children; without an index
//! that is a sequential scan of the child table, under lock, for every parent row. Joins
//! from parent to children are slow for the same reason.
//!
//! ## Example
//! ```sql
//! CREATE TABLE order_items (id uuid PRIMARY KEY,
//!   order_id uuid NOT NULL REFERENCES orders(id), quantity integer);
//! ```
//!
//! ## Fix
//! `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_order_items_order_id ON order_items
//! (order_id)`. It costs some storage and write time.
//!
//! ## Fix safety
//! Marked safe to paste: it changes no data, and building the index concurrently does not
//! block reads or writes. It cannot run inside a transaction block, so a migration tool that
//! wraps each file in a transaction needs it in a step of its own. It waits for
//! transactions already running on the table and scans the table twice, which takes a while
//! on a big one. If it fails or is cancelled, it leaves an invalid index under that name,
//! and running it again does nothing because of `IF NOT EXISTS`: drop the invalid index
//! first. On a partitioned table, which refuses `CONCURRENTLY`, pglens drafts a plain `CREATE
//! INDEX` on the parent and marks it for review: it blocks writes to every partition while it
//! builds; on big partitions build each partition's index concurrently first.

use super::prelude::*;

pub struct UnindexedForeignKey;

static META: RuleMeta = RuleMeta {
    id: "unindexed-foreign-key",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Foreign key without an index on its columns",
    counterparts: &["splinter:0001_unindexed_foreign_keys"],
};

impl Rule for UnindexedForeignKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let tables = cx.user_relations().filter(|r| r.kind.is_table());
        for t in tables {
            for (c, fk) in t.foreign_keys() {
                if indexed(cx, t, &c.columns) {
                    continue;
                }
                let cols: Vec<&str> = c.columns.iter().map(String::as_str).collect();
                let keys: Vec<fix::KeySpec<'_>> =
                    cols.iter().map(|c| fix::KeySpec::asc(c)).collect();
                let fix = Fix::index_build(
                    t,
                    fix::create_index(t, &fix::index_name(t, &cols), "btree", &keys),
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, &c.name),
                        format!(
                            "foreign key {}.{}({}) -> {} has no index",
                            t.schema,
                            t.name,
                            cols.join(", "),
                            fk.referenced_table
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

/// Whether a lookup on `columns` of `table` finds an index: on the table itself, on the
/// parent it is a partition of, or (for a partitioned table) on every partition.
fn indexed(cx: &Context<'_>, table: &Relation, columns: &[String]) -> bool {
    if Context::has_index_leading_with(table, columns) {
        return true;
    }
    if let Some(parent) = table
        .partition_of
        .as_ref()
        .and_then(|p| cx.relation(&p.parent))
    {
        if Context::has_index_leading_with(parent, columns) {
            return true;
        }
    }
    if table.kind != RelationKind::PartitionedTable {
        return false;
    }
    let mut partitions = cx.partitions_of(table).peekable();
    partitions.peek().is_some() && partitions.all(|p| indexed(cx, p, columns))
}
