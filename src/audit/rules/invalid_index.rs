//! # invalid-index
//!
//! ## What it finds
//! Indexes marked invalid, usually left behind by a `CREATE INDEX CONCURRENTLY` that failed
//! or was cancelled.
//!
//! ## Why it matters
//! The planner never uses an invalid index, but every write still maintains it: all of the
//! cost, none of the benefit, and a unique one still blocks duplicates in new rows.
//!
//! ## Example
//! A `CREATE UNIQUE INDEX CONCURRENTLY` that hit a duplicate value.
//!
//! ## Fix
//! `REINDEX INDEX CONCURRENTLY`. If the build failed on duplicate values, remove them first,
//! or drop the index.

use super::prelude::*;

pub struct InvalidIndex;

static META: RuleMeta = RuleMeta {
    id: "invalid-index",
    severity: Severity::Warning,
    category: Category::Integrity,
    summary: "Index left invalid by a failed concurrent build",
    counterparts: &["pghero:invalid_indexes"],
};

impl Rule for InvalidIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for i in t.indexes.iter().filter(|i| !i.valid) {
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Index, &t.schema, &t.name, &i.name),
                        format!("index {} on {}.{} is invalid: maintained on every write, never used", i.name, t.schema, t.name),
                    )
                    .with_fix(Fix::review(
                        vec![fix::reindex(&t.schema, &i.name)],
                        &["If the build failed on duplicate values, remove them first (or drop the index).",
                          "REINDEX CONCURRENTLY cannot run inside a transaction block."],
                    )),
                );
            }
        }
    }
}
