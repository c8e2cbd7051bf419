//! # invalid-index
//!
//! ## What it finds
//! Indexes marked invalid, usually left behind by a `CREATE INDEX CONCURRENTLY` that failed or was
//! cancelled.
//!
//! ## Why it matters
//! The planner never uses an invalid index, but every write still maintains it: all of the cost,
//! none of the benefit, and a unique one still blocks duplicates in new rows.
//!
//! ## Example
//! ```sql
//! CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
//! -- ERROR:  could not create unique index "users_email_key"
//! -- DETAIL:  Key (email)=(ann@example.com) is duplicated.
//! -- users_email_key stays behind, marked INVALID
//! ```
//!
//! ## Fix
//! Rebuild it: pglens drafts `REINDEX INDEX CONCURRENTLY`. If the build failed on duplicate values,
//! remove the duplicates first. If the index is not needed, drop it instead
//! (`DROP INDEX CONCURRENTLY`).
//!
//! ## Fix safety
//! pglens marks this fix for review: the rebuild fails again for whatever made the first build
//! fail, unless that is settled first.
//! - A unique index fails again on the same duplicates. Find them first, e.g.
//!   `SELECT email, count(*) FROM users GROUP BY email HAVING count(*) > 1`.
//! - `REINDEX ... CONCURRENTLY` cannot run inside a transaction block, and needs PostgreSQL 12 or
//!   later; on older servers drop the index and create it again.
//! - A failed `REINDEX ... CONCURRENTLY` leaves one more invalid index, named `<index>_ccnew`: drop
//!   it before trying again. An invalid index whose name already ends in `_ccnew` or `_ccold` is
//!   such a leftover itself: drop it rather than rebuild it.
//! - The rebuild reads the whole table and waits for transactions already using it; reads and
//!   writes go on meanwhile.

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
