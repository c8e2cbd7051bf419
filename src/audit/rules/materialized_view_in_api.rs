//! # materialized-view-in-api
//!
//! ## What it finds
//! Materialized views in an exposed schema that the API roles can select from.
//!
//! ## Why it matters
//! Row-level security does not apply to materialized views: whoever can select sees every
//! row, across all tenants, as of the last refresh.
//!
//! ## Example
//! ```sql
//! CREATE MATERIALIZED VIEW public.mv_campaign_performance AS SELECT workspace_id, ... ;
//! ```
//!
//! ## Fix
//! Revoke the API roles' access and serve the data through a function or a view that
//! filters by tenant, or move the materialized view out of the exposed schema.

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
