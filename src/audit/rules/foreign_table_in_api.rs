//! # foreign-table-in-api
//!
//! ## What it finds
//! Foreign tables in a schema the HTTP API exposes (PostgREST's `db_schemas`, or `public` on
//! Supabase) that `anon` or `authenticated` may select from.
//!
//! ## Why it matters
//! Row-level security does not apply to foreign tables, so the API serves whatever the remote
//! server returns, to anyone with access.
//!
//! ## Example
//! ```sql
//! CREATE FOREIGN TABLE public.legacy_orders (id bigint, total numeric) SERVER legacy_db;
//! GRANT SELECT ON public.legacy_orders TO anon, authenticated;
//! ```
//!
//! ## Fix
//! Take it out of the API: pglens drafts `REVOKE ALL ON ... FROM anon, authenticated, PUBLIC`. If
//! clients need the data, move the foreign table to a schema the API does not expose and serve it
//! through a function that filters by caller.
//!
//! ## Fix safety
//! pglens marks this fix for review: it takes access away.
//! - Every client that reads (or writes) the table through the API loses access at once: find those
//!   callers first.
//! - Revoking from `PUBLIC` also removes access from other roles that had it only through `PUBLIC`;
//!   grant it to them by name if they need it.
//! - The owner and roles with grants of their own keep access, and so do views over the table that
//!   run with their owner's rights: check those views too.

use super::prelude::*;

pub struct ForeignTableInApi;

static META: RuleMeta = RuleMeta {
    id: "foreign-table-in-api",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Foreign table readable through the API (no row-level security)",
    counterparts: &["splinter:0017_foreign_table_in_api"],
};

impl Rule for ForeignTableInApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for f in cx.user_relations() {
            if f.kind != RelationKind::ForeignTable
                || !cx.is_exposed(&f.schema)
                || !cx.api_can_read(f)
            {
                continue;
            }
            let fix = Fix::review(
                vec![fix::revoke_on_relation(
                    f,
                    "ALL",
                    &["anon", "authenticated", "PUBLIC"],
                )],
                &["Clients reading it through the API lose access."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::ForeignTable, &f.schema, &f.name),
                    format!(
                        "foreign table {}.{} is readable through the API, and row-level security cannot apply to it",
                        f.schema, f.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
