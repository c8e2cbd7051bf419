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
//! Keys on an ORM's bookkeeping column (`create_uid`, `write_uid`, `created_by` on more
//! than half of the tables) are grouped into one low-priority finding per column, so that
//! hundreds of them do not bury the rest. Keys to reference data (small label tables such as
//! `gender`, `*_status`, `res_currency`: at most eight columns of their own, a label column,
//! nobody's data, pointing only at other reference data) are left out unless statistics
//! show rows deleted from the reference table: nothing ever looks them up. Supabase's
//! advisor lists those too.
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
//! The grouped bookkeeping findings are marked for review: their indexes cost every write
//! and rarely pay off, so build them only where the parent's rows really are deleted. The others are
//! marked safe to paste: it changes no data, and building the index concurrently does not
//! block reads or writes. It cannot run inside a transaction block, so a migration tool that
//! wraps each file in a transaction needs it in a step of its own. It waits for
//! transactions already running on the table and scans the table twice, which takes a while
//! on a big one. If it fails or is cancelled, it leaves an invalid index under that name,
//! and running it again does nothing because of `IF NOT EXISTS`: drop the invalid index
//! first. On a partitioned table, which refuses `CONCURRENTLY`, pglens drafts a plain `CREATE
//! INDEX` on the parent and marks it for review: it blocks writes to every partition while it
//! builds; on big partitions build each partition's index concurrently first.

use std::collections::BTreeMap;

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
        let reference = crate::audit::reference_data::tables(cx.catalog, &cx.bookkeeping);
        // Keys on a bookkeeping column, one finding per (parent, column).
        let mut grouped: BTreeMap<(&QualifiedName, &str), Vec<Unindexed<'_>>> = BTreeMap::new();
        for t in cx.user_relations().filter(|r| r.kind.is_table()) {
            for (c, fk) in t.foreign_keys() {
                if indexed(cx, t, &c.columns) {
                    continue;
                }
                let key = Unindexed {
                    table: t,
                    constraint: c,
                };
                let bookkeeping = match c.columns.as_slice() {
                    [column]
                        if cx.bookkeeping.contains(column.as_str()) && names_a_writer(column) =>
                    {
                        Some(column.as_str())
                    }
                    _ => None,
                };
                if let Some(column) = bookkeeping {
                    grouped
                        .entry((&fk.referenced_table, column))
                        .or_default()
                        .push(key);
                } else if reference.contains(&fk.referenced_table)
                    && !rows_deleted(cx, &fk.referenced_table)
                {
                    // Reference data whose rows nobody deletes: the index would never be
                    // used for the lookup, and joins go through the parent's key.
                    continue;
                } else {
                    out.push(single(key, fk));
                }
            }
        }
        for ((parent, column), keys) in grouped {
            out.push(bookkeeping_group(parent, column, &keys));
        }
    }
}

/// Whether statistics show rows deleted from `table` (never, offline).
fn rows_deleted(cx: &Context<'_>, table: &QualifiedName) -> bool {
    cx.relation(table)
        .and_then(|t| t.stats.as_ref())
        .and_then(|s| s.deletes)
        .is_some_and(|d| d > 0)
}

/// Whether a column records who created or last changed a row (`create_uid`, `write_uid`,
/// `created_by`, `updated_by_id`), as ORMs add to every table; not whom a row belongs to.
fn names_a_writer(column: &str) -> bool {
    const VERBS: &[&str] = &[
        "create",
        "created",
        "write",
        "updated",
        "modified",
        "changed",
        "last_modified",
    ];
    const WHO: &[&str] = &["uid", "by", "by_id", "user", "user_id"];
    VERBS.iter().any(|v| {
        column
            .strip_prefix(v)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|rest| WHO.contains(&rest))
    })
}

/// A foreign key without an index.
struct Unindexed<'a> {
    table: &'a Relation,
    constraint: &'a crate::model::Constraint,
}

impl Unindexed<'_> {
    fn create_index(&self) -> FixStatement {
        let t = self.table;
        let cols: Vec<&str> = self.constraint.columns.iter().map(String::as_str).collect();
        let keys: Vec<fix::KeySpec<'_>> = cols.iter().map(|c| fix::KeySpec::asc(c)).collect();
        fix::create_index(t, &fix::index_name(t, &cols), "btree", &keys)
    }
}

fn single(key: Unindexed<'_>, fk: &crate::model::ForeignKey) -> Finding {
    let t = key.table;
    let c = key.constraint;
    META.finding(
        ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, &c.name),
        format!(
            "foreign key {}.{}({}) -> {} has no index",
            t.schema,
            t.name,
            c.columns.join(", "),
            fk.referenced_table
        ),
    )
    .with_fix(Fix::index_build(t, key.create_index()))
}

/// The keys on one bookkeeping column (an ORM's `create_uid`) to one parent, as one
/// finding: an index on each costs every write and helps only when a parent row is deleted.
fn bookkeeping_group(parent: &QualifiedName, column: &str, keys: &[Unindexed<'_>]) -> Finding {
    let tables = crate::text::first_and_more(
        keys.iter()
            .map(|k| format!("{}.{}", k.table.schema, k.table.name)),
        5,
    );
    let message = format!(
        "{} foreign keys on the bookkeeping column {column} -> {parent} have no index ({tables}); low priority: an index on each costs every write and helps only when a row of {parent} is deleted",
        keys.len()
    );
    META.finding(
        ObjectRef::relation(ObjectKind::Table, &parent.schema, &parent.name),
        message,
    )
    .distinguished_by(column)
    .with_fix(Fix::review(
        keys.iter().map(Unindexed::create_index).collect(),
        &[
            "Index them only if rows of the parent are deleted or updated in its key; each index costs every insert and update.",
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block.",
        ],
    ))
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
