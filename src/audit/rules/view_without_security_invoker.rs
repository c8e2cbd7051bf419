//! # view-without-security-invoker
//!
//! ## What it finds
//! Views in an exposed schema that the API roles can read and that run with their owner's
//! rights, because `security_invoker` is not set (PostgreSQL 15 and later).
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

use super::prelude::*;

pub struct ViewWithoutSecurityInvoker;

static META: RuleMeta = RuleMeta {
    id: "view-without-security-invoker",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "API-readable view bypasses row-level security (no security_invoker)",
    counterparts: &["splinter:0010_security_definer_view"],
};

/// `security_invoker` views arrived in PostgreSQL 15.
const SINCE: u32 = 150000;

impl Rule for ViewWithoutSecurityInvoker {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx
            .catalog
            .meta
            .server_version_num
            .is_some_and(|v| v < SINCE)
        {
            return;
        }
        for v in cx.user_relations() {
            if v.kind != RelationKind::View
                || v.option_enabled("security_invoker")
                || !cx.is_exposed(&v.schema)
                || !cx.api_can_read(v)
            {
                continue;
            }
            let fix = Fix::safe(vec![fix::view_security_invoker(v)])
                .note("Callers now see only the rows their own policies allow.");
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
