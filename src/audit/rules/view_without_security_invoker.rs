//! # view-without-security-invoker
//!
//! ## What it finds
//! Views in an exposed schema that the API roles can read and that run with their owner's
//! rights, because `security_invoker` is not set. Servers before PostgreSQL 15 have no
//! `security_invoker`: every API-readable view there runs as its owner, and is reported too.
//! Materialized views are not covered here: they cannot use `security_invoker`.
//!
//! ## Why it matters
//! A view normally runs as its owner, usually a superuser-like role to which row-level
//! security does not apply: reading the view returns every tenant's rows even when the
//! tables underneath are protected.
//!
//! ## Example
//! ```sql
//! CREATE VIEW public.customer_summary AS
//!   SELECT c.id, c.name, count(o.id) AS orders
//!   FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id;
//! ```
//!
//! ## Fix
//! `ALTER VIEW ... SET (security_invoker = true)`, so the caller's rights and policies apply.
//! Callers who relied on seeing more than their own rows will see less, which is the point.
//! Before PostgreSQL 15, take the view out of the API instead (`REVOKE SELECT` from `anon`,
//! `authenticated` and PUBLIC) until the server is upgraded, or replace it with a function
//! that filters by `auth.uid()`.
//!
//! ## Fix safety
//! On PostgreSQL 15 and later, pglens marks the `ALTER VIEW` safe to paste when the API
//! roles that read the view have SELECT on every table and view it reads (for review
//! otherwise, naming those they lack): it changes no data, takes only a brief lock on the view, and `ALTER VIEW ... RESET (security_invoker)`
//! undoes it. It does change what callers get. Each caller now sees only the rows their own
//! policies allow, and needs privileges of their own on every table and function the view
//! reads: where the API roles lack them (a table in a private schema, `auth.users`), the
//! view starts failing with "permission denied" instead of returning rows.
//!
//! Check first: that the API roles have SELECT on the tables underneath, and policies that
//! let them see what the view should show.
//!
//! Before PostgreSQL 15 the drafted `REVOKE` is marked for review: clients that read the view
//! through the API lose access to it entirely, as does any role relying on the grant to
//! PUBLIC.

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
            // The callers then need SELECT of their own on what the view reads.
            let ungranted: Vec<String> = v
                .reads
                .iter()
                .filter(|q| {
                    cx.relation(q).is_none_or(|base| {
                        ["anon", "authenticated"].iter().any(|role| {
                            cx.catalog.has_role(role)
                                && grants_allow(&v.grants, role, "SELECT")
                                && !grants_allow(&base.grants, role, "SELECT")
                        })
                    })
                })
                .map(|q| q.to_string())
                .collect();
            let fix = if has_invoker && ungranted.is_empty() {
                Fix::safe(vec![fix::view_security_invoker(v)])
                    .note("Callers now see only the rows their own policies allow.")
            } else if has_invoker {
                Fix::review(
                    vec![fix::view_security_invoker(v)],
                    &[format!(
                        "The API roles that read the view lack SELECT on {}: it would fail for them with \"permission denied\". Grant what they should see (with policies) first, or keep the view out of the API.",
                        ungranted.join(", ")
                    )],
                )
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
