//! # policy-with-rls-disabled
//!
//! ## What it finds
//! Tables that have row-level security policies while row-level security itself is off.
//!
//! ## Why it matters
//! Policies do nothing until RLS is enabled. Someone wrote them believing the table was
//! protected; it is not.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "brand isolation" ON publishing_jobs USING (...);   -- RLS never enabled
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`. Safe in the sense that the policies already
//! say who should see what, but test the policies: they have never been exercised.

use super::prelude::*;

pub struct PolicyWithRlsDisabled;

static META: RuleMeta = RuleMeta {
    id: "policy-with-rls-disabled",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Policies exist but row-level security is off",
    counterparts: &["splinter:0007_policy_exists_rls_disabled"],
};

impl Rule for PolicyWithRlsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations().filter(|r| r.kind.is_table()) {
            if t.rls_enabled || t.policies.is_empty() {
                continue;
            }
            let names: Vec<&str> = t.policies.iter().map(|p| p.name.as_str()).collect();
            let fix = Fix::review(
                vec![fix::enable_rls(t)],
                &["The policies have never been enforced: test them before enabling."],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} has policies ({}) but row-level security is off, so none applies",
                        t.schema,
                        t.name,
                        names.join(", ")
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
