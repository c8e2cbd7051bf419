//! # policy-trusts-user-metadata
//!
//! ## What it finds
//! Policies that read `user_metadata` (`raw_user_meta_data`) from the JWT or `auth.users`.
//!
//! ## Why it matters
//! Users can change their own user metadata with the public API. A policy that grants
//! access because `user_metadata ->> 'role' = 'admin'` lets anyone make themselves admin.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "admins manage brands" ON brands
//!   USING ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');
//! ```
//!
//! ## Fix
//! Read the claim from `app_metadata`, which only the service role can write. pglens drafts
//! the same policy reading `app_metadata`; move the values there first, or nobody will match.

use super::prelude::*;

pub struct PolicyTrustsUserMetadata;

static META: RuleMeta = RuleMeta {
    id: "policy-trusts-user-metadata",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Policy grants access based on user-editable metadata",
    counterparts: &["splinter:0015_rls_references_user_metadata"],
};

fn to_app_metadata(expr: &str) -> String {
    expr.replace("raw_user_meta_data", "raw_app_meta_data")
        .replace("user_metadata", "app_metadata")
}

impl Rule for PolicyTrustsUserMetadata {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for p in &t.policies {
                let mentions = |e: &Option<String>| {
                    e.as_deref().is_some_and(|e| {
                        e.contains("user_metadata") || e.contains("raw_user_meta_data")
                    })
                };
                if !(mentions(&p.using) || mentions(&p.with_check)) {
                    continue;
                }
                let using = p.using.as_deref().map(to_app_metadata);
                let check = p.with_check.as_deref().map(to_app_metadata);
                let fix = Fix::review(
                    fix::recreate_policy(t, p, using.as_deref(), check.as_deref()),
                    &["Copy the claim into app_metadata (service role only) before switching, or nobody will match."],
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &p.name),
                        format!(
                            "policy \"{}\" on {}.{} trusts user_metadata, which users can edit themselves",
                            p.name, t.schema, t.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
