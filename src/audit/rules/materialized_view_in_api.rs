//! # materialized-view-in-api
//!
//! ## What it finds
//! Materialized views in a schema the HTTP API exposes (PostgREST's `db_schemas`, or `public` on
//! Supabase) that `anon` or `authenticated` may select from.
//!
//! ## Why it matters
//! Row-level security does not apply to materialized views: whoever can select sees every row,
//! across all tenants, as of the last refresh.
//!
//! ## Example
//! ```sql
//! CREATE MATERIALIZED VIEW public.monthly_sales AS
//!   SELECT tenant_id, date_trunc('month', created_at) AS month, sum(total) AS total
//!   FROM orders GROUP BY 1, 2;
//! ```
//!
//! ## Fix
//! Take it out of the API: pglens drafts `REVOKE SELECT ON ... FROM anon, authenticated, PUBLIC`.
//! Serve the data through a function or a view that filters by tenant, or move the materialized
//! view to a schema the API does not expose.
//!
//! ## Fix safety
//! pglens marks this fix for review: it takes access away.
//! - Every client that reads the materialized view through the API loses access at once: find those
//!   callers, and give them the filtered replacement first.
//! - Revoking from `PUBLIC` also removes access from other roles that had it only through `PUBLIC`;
//!   grant it to them by name if they need it.
//! - The owner and roles with grants of their own keep access, and refreshing is unaffected (it
//!   needs ownership, not `SELECT`).

use super::prelude::*;

pub struct MaterializedViewInApi;

static META: RuleMeta = RuleMeta {
    id: "materialized-view-in-api",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "Materialized view readable through the API (no row-level security)",
    counterparts: &["splinter:0016_materialized_view_in_api"],
};

impl Rule for MaterializedViewInApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for v in cx.user_relations() {
            if v.kind != RelationKind::MaterializedView
                || !cx.is_exposed(&v.schema)
                || !cx.api_can_read(v)
            {
                continue;
            }
            let fix = Fix::review(
                vec![fix::revoke_on_relation(v, "SELECT", &["anon", "authenticated", "PUBLIC"])],
                &["Clients reading it through the API lose access; serve it through a tenant-filtering view or function."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::MaterializedView, &v.schema, &v.name),
                    format!(
                        "materialized view {}.{} is readable through the API, and row-level security cannot apply to it",
                        v.schema, v.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
