//! # realtime-table-without-rls
//!
//! ## What it finds
//! Tables in the `supabase_realtime` publication (the one Supabase Realtime streams from)
//! that have row-level security off, or have it on with no policy that lets a client read
//! (no `SELECT` or `ALL` policy).
//!
//! ## Why it matters
//! Realtime sends each inserted, updated or deleted row to the clients subscribed to the
//! table, checking first that the subscriber could read it. With row-level security off,
//! that check passes for everyone the API roles' grants allow, so every subscriber
//! receives every change to every row (other users' messages, notifications, presence),
//! whatever the app's queries show them. With row-level security on and no read policy,
//! the opposite happens: no client receives anything, which is a bug rather than a leak.
//!
//! ## Example
//! ```sql
//! ALTER PUBLICATION supabase_realtime ADD TABLE public.typing_indicators;
//! -- public.typing_indicators has row-level security off
//! ```
//!
//! ## Fix
//! pglens drafts `ALTER PUBLICATION supabase_realtime DROP TABLE ...`, which stops the
//! stream at once. If clients do subscribe to the table, do this instead: for a table with
//! row-level security off, `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` plus a `SELECT`
//! policy that says who may see each row; for a table with no read policy, that policy.
//!
//! ## Fix safety
//! Marked for review. Dropping the table from the publication changes no data and cannot
//! fail while the table is in it, but every client subscribed to the table stops receiving
//! its changes. Search the app for `.channel(` / `postgres_changes` on the table first; if
//! it is used, write the policy instead (enabling row-level security without one denies the
//! API roles every row, through the API as well as Realtime).

use super::prelude::*;

pub struct RealtimeTableWithoutRls;

static META: RuleMeta = RuleMeta {
    id: "realtime-table-without-rls",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Table streamed by Supabase Realtime without row-level security",
    counterparts: &[],
};

/// The publication Supabase Realtime reads.
const REALTIME: &str = "supabase_realtime";

impl Rule for RealtimeTableWithoutRls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(publication) = cx.catalog.publications.iter().find(|p| p.name == REALTIME) else {
            return;
        };
        for t in cx.user_tables() {
            if !publication.includes(&t.schema, &t.name) {
                continue;
            }
            let object = ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name);
            if !t.rls_enabled {
                let fix = Fix::review(
                    vec![fix::publication_drop_table(REALTIME, t)],
                    &["Subscribed clients stop receiving this table's changes. If the app subscribes to it, enable row-level security and write a SELECT policy instead."],
                );
                out.push(
                    META.finding(
                        object,
                        format!(
                            "{}.{} is streamed by Realtime with row-level security off: every subscriber receives every change",
                            t.schema, t.name
                        ),
                    )
                    .with_fix(fix),
                );
                continue;
            }
            let readable = t.policies.iter().any(|p| {
                p.permissive && matches!(p.command, PolicyCommand::Select | PolicyCommand::All)
            });
            if !readable {
                out.push(
                    META.finding(
                        object,
                        format!(
                            "{}.{} is streamed by Realtime but no policy lets a client read it: subscribers receive nothing",
                            t.schema, t.name
                        ),
                    )
                    .with_severity(Severity::Info)
                    .with_fix(Fix::review(
                        vec![fix::publication_drop_table(REALTIME, t)],
                        &["If clients should receive this table's changes, write a SELECT policy instead."],
                    )),
                );
            }
        }
    }
}
