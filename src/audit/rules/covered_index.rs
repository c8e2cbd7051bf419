//! # covered-index
//!
//! ## What it finds
//! Non-unique B-tree indexes whose keys are the leading keys of a wider B-tree index on the same
//! table, in the same order and with the same direction, operator class and collation (PgHero's
//! "covered by" check). Both indexes must be valid, on plain columns (no expressions) and without a
//! `WHERE` clause, and the wider one must carry every column the narrow one `INCLUDE`s.
//! Unique indexes and indexes that back a constraint are never reported: they enforce
//! something the wider index does not. Partitions are judged through their parent (an
//! index of a partition may belong to its parent's and cannot be dropped alone).
//!
//! ## Why it matters
//! The wider index serves every query the narrow one serves, so the narrow one only costs writes,
//! space and cache.
//!
//! ## Example
//! ```sql
//! CREATE INDEX idx_orders_customer        ON orders (customer_id);
//! CREATE INDEX idx_orders_customer_status ON orders (customer_id, status, created_at DESC);
//! ```
//!
//! ## Fix
//! Drop the narrow index; pglens drafts `DROP INDEX CONCURRENTLY IF EXISTS` for it. Queries that
//! used it use the wider index instead.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: no data changes, and every query the narrow index served
//! can use the wider one.
//! - `DROP INDEX CONCURRENTLY` cannot run inside a transaction block. It waits for transactions
//!   using the table to finish, without blocking reads or writes meanwhile.
//! - The wider index is larger, so some queries read a little more. This rarely matters; on a hot
//!   path, compare the plans of the main queries on that column.
//! - `INCLUDE` columns are not compared: if the narrow index has some the wider one lacks,
//!   index-only scans that relied on them become ordinary index scans.
//! - If the wider index is dropped later, the narrow one's queries lose their index too.
//! - PostgreSQL refuses `CONCURRENTLY` for an index on a partitioned table, and an index on a
//!   partition that belongs to its parent's index cannot be dropped on its own: drop the parent's
//!   index with a plain `DROP INDEX`, which locks the table while it runs.

use super::prelude::*;
use crate::model::Index;

pub struct CoveredIndex;

static META: RuleMeta = RuleMeta {
    id: "covered-index",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Index made redundant by a wider index starting with the same columns",
    counterparts: &["pghero:duplicate_indexes"],
};

fn plain_btree(i: &Index) -> bool {
    i.valid
        && i.method == "btree"
        && i.predicate.is_none()
        && i.keys.iter().all(|k| k.column.is_some())
}

/// True when `wide`'s keys start with all of `narrow`'s, in the same order and direction,
/// and `wide` carries every column `narrow` INCLUDEs (as a key or an INCLUDE of its own), so
/// the index-only scans `narrow` allows still work.
fn covers(wide: &Index, narrow: &Index) -> bool {
    let carried = |c: &String| {
        wide.include.contains(c) || wide.keys.iter().any(|k| k.column.as_ref() == Some(c))
    };
    wide.name != narrow.name
        && wide.keys.len() > narrow.keys.len()
        && wide.keys.iter().zip(&narrow.keys).all(|(w, n)| w == n)
        && narrow.include.iter().all(carried)
}

impl Rule for CoveredIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // A partition's index may belong to its parent's, and cannot be dropped alone:
        // partitions are judged through their parent.
        for t in cx.user_relations().filter(|r| r.partition_of.is_none()) {
            for narrow in t
                .indexes
                .iter()
                .filter(|i| plain_btree(i) && !i.unique && i.constraint.is_none())
            {
                let Some(wide) = t
                    .indexes
                    .iter()
                    .find(|w| plain_btree(w) && covers(w, narrow))
                else {
                    continue;
                };
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Index, &t.schema, &t.name, &narrow.name),
                        format!(
                            "index {} on {}.{} is covered by {}",
                            narrow.name, t.schema, t.name, wide.name
                        ),
                    )
                    .with_fix(
                        Fix::safe(vec![fix::drop_index(t, &narrow.name)])
                            .note("DROP INDEX CONCURRENTLY cannot run inside a transaction block."),
                    ),
                );
            }
        }
    }
}
