//! # autovacuum-disabled
//!
//! ## What it finds
//! Tables with `autovacuum_enabled = false`, or `toast.autovacuum_enabled = false` on their
//! TOAST table, set as a storage option (`ALTER TABLE ... SET (...)`).
//!
//! ## Why it matters
//! Autovacuum removes dead row versions and keeps the planner's statistics current. Without
//! it, every update and delete leaves garbage behind: the table and its indexes bloat,
//! sequential and index scans read more pages, and plans go stale as the data changes.
//! PostgreSQL still forces a vacuum before transaction IDs wrap around, but only then, as an
//! emergency that cannot be cancelled and that arrives at the worst time. The option is
//! often set for a bulk load and forgotten.
//!
//! ## Example
//! ```sql
//! ALTER TABLE feed_cache SET (autovacuum_enabled = false);
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... RESET (autovacuum_enabled)` (and the `toast.` one), which returns the
//! table to the server's autovacuum settings.
//!
//! ## Fix safety
//! Marked safe to paste: resetting a storage option changes no data, takes a brief lock and
//! cannot fail on a table that exists. Autovacuum may then start on the table soon after, and
//! on a table with many dead rows that first run reads the whole table; that is the point, but
//! expect the I/O. If a job vacuums the table on purpose (a staging table truncated after
//! each load), keep the option and suppress the finding with that reason.

use super::prelude::*;

pub struct AutovacuumDisabled;

static META: RuleMeta = RuleMeta {
    id: "autovacuum-disabled",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "Table with autovacuum turned off",
    counterparts: &["splinter:0030_autovacuum_disabled"],
};

/// The storage options that turn autovacuum off, main table first.
const OPTIONS: [&str; 2] = ["autovacuum_enabled", "toast.autovacuum_enabled"];

impl Rule for AutovacuumDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations().filter(|r| r.kind.is_table()) {
            let off: Vec<&str> = OPTIONS
                .into_iter()
                .filter(|o| t.option(o).is_some() && !t.option_enabled(o))
                .collect();
            if off.is_empty() {
                continue;
            }
            let which = if off == ["toast.autovacuum_enabled"] {
                "for its TOAST data"
            } else {
                "for its rows"
            };
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} has autovacuum turned off {which} ({} = false)",
                        t.schema,
                        t.name,
                        off.join(", ")
                    ),
                )
                .with_fix(Fix::safe(vec![fix::reset_options(t, &off)])),
            );
        }
    }
}
