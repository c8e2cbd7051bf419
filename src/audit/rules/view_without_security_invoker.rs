//! # view-without-security-invoker
//!
//! ## What it finds
//! Views in an exposed schema that the API roles can read and that run with their owner's
//! rights, because `security_invoker` is not set. Servers before PostgreSQL 15 have no
//! `security_invoker`: every API-readable view there runs as its owner, and is reported too.
//!
//! ## Why it matters
//! A view normally runs as its owner, usually a superuser-like role to which row-level
//! security does not apply: reading the view returns every tenant's rows even when the
//! tables underneath are protected.
//!
//! ## Example
//! ```sql
//! CREATE VIEW public.client_summary AS SELECT ... FROM clients LEFT JOIN deals ...;
//! ```
//!
//! ## Fix
//! `ALTER VIEW ... SET (security_invoker = true)`, so the caller's rights and policies apply.
//! Callers who relied on seeing more than their own rows will see less, which is the point.
//! Before PostgreSQL 15, take the view out of the API instead (`REVOKE SELECT` from the API
//! roles) until the server is upgraded, or replace it with a function that filters by
//! `auth.uid()`.

use super::prelude::*;

pub struct ViewWithoutSecurityInvoker;

static META: RuleMeta = RuleMeta {
    id: "view-without-security-invoker",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "API-readable view bypasses row-level security (no security_invoker)",
    counterparts: &["splinter:0010_security_definer_view"],
};

impl Rule for ViewWithoutSecurityInvoker {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let has_invoker = cx.catalog.has(Feature::SecurityInvoker);
        for v in cx.user_relations() {
            if v.kind != RelationKind::View
                || v.option_enabled("security_invoker")
                || !cx.is_exposed(&v.schema)
                || !cx.api_can_read(v)
            {
                continue;
            }
            let fix = if has_invoker {
                Fix::safe(vec![fix::view_security_invoker(v)])
                    .note("Callers now see only the rows their own policies allow.")
            } else {
                Fix::review(
                    vec![fix::revoke_on_relation(v, "SELECT", &["anon", "authenticated", "PUBLIC"])],
                    &["security_invoker needs PostgreSQL 15: until the upgrade, the view leaves the API (or becomes a function that filters by auth.uid())."],
                )
            };
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::View, &v.schema, &v.name),
                    format!(
                        "view {}.{} runs as its owner, so API callers bypass row-level security",
                        v.schema, v.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
