//! # unused-index
//!
//! ## What it finds
//! Indexes that have not been scanned once since statistics were last reset, and that
//! enforce nothing (not unique, not a primary key, not backing a constraint) and serve no
//! foreign key (an index leading with a foreign key's columns, partial or not, is what a
//! parent's delete or update uses to find children, however rarely that happens). The finding
//! says how long statistics have been collected, so a fresh reset is not mistaken for
//! disuse. Invalid indexes are left to invalid-index, and indexes whose scan count is
//! unknown are skipped, as are the indexes of a table nobody has read since the reset (no
//! sequential or index scan at all): that says nothing about any one index, and
//! unused-table reports the table itself.
//!
//! ## Why it matters
//! An index nobody reads still costs every insert and update, plus space and cache.
//!
//! ## Example
//! ```text
//! idx_orders_source on public.orders: idx_scan = 0 in the 92 days since statistics were reset
//! ```
//!
//! ## Fix
//! `DROP INDEX CONCURRENTLY IF EXISTS`, once you are sure nothing needs the index.
//!
//! ## Fix safety
//! No fix while statistics cover less than a week (since the last reset, or since the
//! server started when they were never reset): the finding says it is too soon to be sure.
//!
//! Marked for review, because zero scans here does not prove the index is unused: scans on
//! a read replica are not counted on the primary, and a job that runs monthly or yearly may
//! not have run since the reset. Dropping an index that something does need makes those
//! queries slow at once, and building it again takes time. The drop cannot run inside a
//! transaction block; it does not block reads or writes, but waits for transactions already
//! using the table.
//!
//! Check first: the index's scan count on every replica, how long statistics cover, and
//! the periodic jobs; keep the definition (`pg_get_indexdef`) so you can build it again.

use super::prelude::*;

pub struct UnusedIndex;

static META: RuleMeta = RuleMeta {
    id: "unused-index",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Index never scanned since statistics were reset",
    counterparts: &["pghero:unused_indexes", "splinter:0005_unused_index"],
};

/// Whether the index's leading columns are a foreign key's columns.
fn serves_foreign_key(t: &Relation, i: &crate::model::Index) -> bool {
    t.foreign_keys().any(|(c, _)| i.leads_with(&c.columns))
}

impl Rule for UnusedIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn unmet(&self, cx: &Context<'_>) -> Option<String> {
        cx.missing_index_statistics()
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let age = cx.stats_age_phrase();
        for t in cx.user_tables() {
            // A table nobody has read says nothing about its indexes (unused-table speaks
            // for it), and an index built since the last read has had no chance yet.
            let read = t
                .stats
                .as_ref()
                .is_some_and(|s| s.seq_scans.unwrap_or(0) + s.index_scans.unwrap_or(0) > 0);
            if !read {
                continue;
            }
            for i in &t.indexes {
                if i.scans != Some(0) || i.unique || i.primary || i.constraint.is_some() || !i.valid
                {
                    continue;
                }
                // Deleting or updating a parent row looks its children up through this
                // index, however rarely that happens: it stays.
                if serves_foreign_key(t, i) {
                    continue;
                }
                let finding = META.finding(
                    ObjectRef::part(ObjectKind::Index, &t.schema, &t.name, &i.name),
                    format!(
                        "index {} on {}.{} was never scanned {age}",
                        i.name, t.schema, t.name
                    ),
                );
                // Young statistics prove nothing yet: the finding says so, with no drop.
                out.push(if cx.stats_too_young() {
                    finding
                } else {
                    finding.with_fix(Fix::review(
                        vec![fix::drop_index(t, &i.name)],
                        &["Scans on read replicas are not counted here: check them before dropping.",
                          "DROP INDEX CONCURRENTLY cannot run inside a transaction block."],
                    ))
                });
            }
        }
    }
}
