//! # unused-index
//!
//! ## What it finds
//! Indexes that have not been scanned once since statistics were last reset, and that
//! enforce nothing (not unique, not a constraint). The finding says how long statistics
//! have been collected, so a fresh reset is not mistaken for disuse.
//!
//! ## Why it matters
//! An index nobody reads still costs every insert and update, plus space and cache.
//!
//! ## Example
//! `idx_leads_source` with `idx_scan = 0` after three months of statistics.
//!
//! ## Fix
//! `DROP INDEX CONCURRENTLY IF EXISTS`, after checking replicas too: scans on a read replica
//! are not counted on the primary. Not safe to paste blindly for that reason.

use super::prelude::*;

pub struct UnusedIndex;

static META: RuleMeta = RuleMeta {
    id: "unused-index",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Index never scanned since statistics were reset",
    counterparts: &["pghero:unused_indexes", "splinter:0005_unused_index"],
};

impl Rule for UnusedIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let age = cx.stats_age_phrase();
        for t in cx.user_tables() {
            for i in &t.indexes {
                if i.scans != Some(0) || i.unique || i.primary || i.constraint.is_some() || !i.valid
                {
                    continue;
                }
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Index, &t.schema, &t.name, &i.name),
                        format!("index {} on {}.{} was never scanned {age}", i.name, t.schema, t.name),
                    )
                    .with_fix(Fix::review(
                        vec![fix::drop_index(&t.schema, &i.name)],
                        &["Scans on read replicas are not counted here: check them before dropping.",
                          "DROP INDEX CONCURRENTLY cannot run inside a transaction block."],
                    )),
                );
            }
        }
    }
}
