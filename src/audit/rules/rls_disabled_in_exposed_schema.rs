//! # rls-disabled-in-exposed-schema
//!
//! ## What it finds
//! Tables in a schema the HTTP API exposes (`pgrst.db_schemas`, or `public` on Supabase)
//! with row-level security switched off. A partition is reported when its parent (or a
//! parent's parent) has row-level security on and the partition does not: the API can query a partition
//! directly, and that skips the parent's policies.
//!
//! ## Why it matters
//! Supabase grants the `anon` and `authenticated` roles access to every table in the
//! exposed schemas; row-level security is the only thing between the public API key and
//! every row. With it off, anyone with the project URL can read and write the table.
//!
//! ## Example
//! ```sql
//! CREATE TABLE public.invoices (id uuid PRIMARY KEY, customer_id uuid, total numeric);
//! -- RLS never enabled
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`, then add policies: write them (see
//! rls-enabled-without-policy) in the same change. pglens drafts only the first statement.
//!
//! ## Fix safety
//! Marked for review, and not safe to run alone: with RLS on and no policy, the API roles
//! see no rows and their writes are refused, which breaks every client that relied on the
//! open table. The table's owner and roles with BYPASSRLS (such as Supabase's `service_role`)
//! keep full access. The statement takes a brief exclusive lock on the table; `DISABLE ROW
//! LEVEL SECURITY` undoes it.
//!
//! For a partition the fix is marked safe: reads and writes through the parent keep
//! following the parent's policies, and only direct access to the partition, which no
//! client should rely on, is denied.
//!
//! Check first: find which clients read or write the table through the API, write the
//! policies they need, and apply them and the `ENABLE` in one transaction.

use super::prelude::*;

pub struct RlsDisabledInExposedSchema;

static META: RuleMeta = RuleMeta {
    id: "rls-disabled-in-exposed-schema",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Row-level security is off on a table the API exposes",
    counterparts: &["splinter:0013_rls_disabled_in_public"],
};

impl Rule for RlsDisabledInExposedSchema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.exposed_tables_without_rls() {
            let fix = Fix::review(
                vec![fix::enable_rls(t)],
                &["With RLS on and no policy the API roles see no rows: add policies in the same change."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} is in exposed schema {} with row-level security off",
                        t.schema, t.name, t.schema
                    ),
                )
                .with_fix(fix),
            );
        }
        // A partition is a table of its own to the API: querying it directly skips the
        // parent's policies. Row-level security on it only guards that direct door (reads
        // through the parent follow the parent's policies), so enabling it breaks nothing.
        // The guarded ancestor may be further up: a leaf of a sub-partitioned table whose
        // middle level has RLS off is as open as the middle level.
        let guarded_ancestor = |r: &Relation| -> Option<String> {
            let mut at = r;
            for _ in 0..32 {
                let parent = cx.relation(&at.partition_of.as_ref()?.parent)?;
                if parent.rls_enabled {
                    return Some(format!("{}.{}", parent.schema, parent.name));
                }
                at = parent;
            }
            None
        };
        let partitions = cx.user_relations().filter_map(|r| {
            (r.kind.is_table() && !r.rls_enabled && cx.is_exposed(&r.schema))
                .then(|| guarded_ancestor(r))
                .flatten()
                .map(|parent| (r, parent))
        });
        for (t, parent) in partitions {
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "partition {}.{} of {parent} has row-level security off: querying it directly skips {parent}'s policies",
                        t.schema, t.name
                    ),
                )
                .with_fix(Fix::safe(vec![fix::enable_rls(t)]).note(
                    "Reads and writes through the parent keep following the parent's policies; only direct access to the partition is denied.",
                )),
            );
        }
    }
}
