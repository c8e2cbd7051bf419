//! # duplicate-index
//!
//! ## What it finds
//! Two or more indexes on one table with the same method, keys (order, direction, operator class,
//! collation), INCLUDE columns, predicate and NULLS NOT DISTINCT setting. Uniqueness is not
//! compared, so a plain index that copies a unique one counts. Of each group pglens keeps one (the
//! one backing the primary key or another constraint, else a unique one, else the first by name) and reports the others; an
//! index that backs a constraint is never reported. Only valid indexes are compared: an invalid
//! one is left to invalid-index, never kept in place of a valid twin.
//!
//! ## Why it matters
//! Every copy is written on every insert and update, takes space and cache, and none is ever needed
//! by a query the other could not serve.
//!
//! ## Example
//! ```sql
//! CREATE INDEX idx_orders_customer    ON orders (customer_id);
//! CREATE INDEX idx_orders_customer_id ON orders (customer_id);
//! ```
//!
//! ## Fix
//! Drop all but one; pglens drafts `DROP INDEX CONCURRENTLY IF EXISTS` for each reported copy. The
//! finding names the index that stays.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: no data changes, and the index that stays serves the same
//! queries.
//! - `DROP INDEX CONCURRENTLY` cannot run inside a transaction block. It waits for transactions
//!   using the table to finish, without blocking reads or writes meanwhile.
//! - Validity is not compared: check that the index that stays is valid (`\d <table>` marks invalid
//!   ones `INVALID`). If it is not, drop the invalid one instead (see invalid-index).
//! - Anything that names the dropped index (`CLUSTER ... USING`, planner hints, monitoring) must
//!   name the one that stays.
//! - A UNIQUE constraint that repeats the primary key is dropped with `ALTER TABLE ... DROP
//!   CONSTRAINT`, marked for review: a foreign key that references those columns may have
//!   been bound to the constraint's index instead of the primary key's, and PostgreSQL then
//!   refuses the drop ("other objects depend on it"). Recreate such a foreign key first; it
//!   binds to the primary key.
//! - PostgreSQL refuses `CONCURRENTLY` for an index on a partitioned table, and an index on a
//!   partition that belongs to its parent's index cannot be dropped on its own: drop the parent's
//!   index with a plain `DROP INDEX`, which locks the table while it runs.

use super::prelude::*;
use crate::model::Index;

pub struct DuplicateIndex;

static META: RuleMeta = RuleMeta {
    id: "duplicate-index",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "Index identical to another index on the same table",
    counterparts: &["pghero:duplicate_indexes", "splinter:0009_duplicate_index"],
};

/// What makes two indexes interchangeable.
fn shape(i: &Index) -> impl PartialEq + '_ {
    (
        &i.method,
        &i.keys,
        &i.include,
        &i.predicate,
        i.nulls_not_distinct,
    )
}

/// Which of two identical indexes to keep: constraint-backed (the primary key first), then
/// unique, then by name.
fn keep_rank(i: &Index) -> (bool, bool, bool, std::cmp::Reverse<&str>) {
    (
        i.constraint.is_some(),
        i.primary,
        i.unique,
        std::cmp::Reverse(i.name.as_str()),
    )
}

impl Rule for DuplicateIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // A partition's index may belong to its parent's, and cannot be dropped alone:
        // partitions are judged through their parent.
        for t in cx.user_relations().filter(|r| r.partition_of.is_none()) {
            // An invalid index is invalid-index's business: it is never the twin kept, nor
            // a reason to drop a valid one.
            for i in t.indexes.iter().filter(|i| i.valid) {
                let twins: Vec<&Index> = t
                    .indexes
                    .iter()
                    .filter(|o| o.valid && shape(o) == shape(i))
                    .collect();
                if twins.len() < 2 {
                    continue;
                }
                let keeper = twins.iter().max_by_key(|o| keep_rank(o)).copied();
                if keeper.is_some_and(|k| k.name == i.name) {
                    continue;
                }
                let keeper = keeper.map(|k| k.name.as_str()).unwrap_or_default();
                if let Some(constraint) = &i.constraint {
                    if let Some(f) = repeated_unique_constraint(t, i, constraint, keeper) {
                        out.push(f);
                    }
                    continue;
                }
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Index, &t.schema, &t.name, &i.name),
                        format!(
                            "index {} on {}.{} duplicates {keeper}",
                            i.name, t.schema, t.name
                        ),
                    )
                    .with_fix(
                        Fix::safe(vec![fix::drop_index(t, &i.name)])
                            .note("DROP INDEX CONCURRENTLY cannot run inside a transaction block."),
                    ),
                );
            }
        }
    }
}

/// A UNIQUE constraint whose index repeats the one kept (the primary key or an earlier
/// UNIQUE constraint): dropped as a constraint, for review, since a foreign key may be bound
/// to its index.
fn repeated_unique_constraint(
    t: &Relation,
    i: &Index,
    constraint: &str,
    keeper: &str,
) -> Option<Finding> {
    let unique = t
        .constraints
        .iter()
        .any(|c| c.name == constraint && c.kind == ConstraintKind::Unique);
    if !unique || i.primary {
        return None;
    }
    let referenced = i
        .keys
        .iter()
        .filter_map(|k| k.column.as_deref())
        .collect::<Vec<_>>();
    Some(
        META.finding(
            ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, constraint),
            format!(
                "unique constraint {constraint} on {}.{} ({}) repeats {keeper}",
                t.schema,
                t.name,
                referenced.join(", ")
            ),
        )
        .with_fix(Fix::review(
            vec![fix::drop_constraint(t, constraint)],
            &["A foreign key that references these columns may be bound to this constraint's index; PostgreSQL then refuses the drop. Recreate that foreign key first (it binds to the primary key)."],
        )),
    )
}
