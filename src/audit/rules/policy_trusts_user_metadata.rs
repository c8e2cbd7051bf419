//! # policy-trusts-user-metadata
//!
//! ## What it finds
//! Row-level security policies whose USING or WITH CHECK condition reads `user_metadata`
//! from the JWT (`auth.jwt() -> 'user_metadata'`) or `raw_user_meta_data` from `auth.users`.
//!
//! ## Why it matters
//! Users can change their own user metadata with the public API. A policy that grants
//! access because `user_metadata ->> 'role' = 'admin'` lets anyone make themselves admin.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "admins manage projects" ON projects
//!   USING ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');
//! ```
//!
//! ## Fix
//! Read the claim from `app_metadata` (`raw_app_meta_data` in `auth.users`), which only the
//! service role can write. pglens drafts the same policy, with the same name, command, roles
//! and mode, reading `app_metadata` instead: `DROP POLICY IF EXISTS`, then `CREATE POLICY`.
//!
//! ## Fix safety
//! Marked for review. The draft changes only where the policy looks; it moves no data. Until
//! each user's claim has been copied into `app_metadata`, nobody matches the new condition
//! and everyone loses the access the policy granted, real admins included. Policies that read
//! the JWT see a changed claim only once the user's token is refreshed.
//!
//! The switch is a plain text replacement of `user_metadata` by `app_metadata` in the
//! conditions: read the new condition in case something else in it carried that name. The
//! two statements run in one transaction: apart, the policy would not exist in between,
//! which denies what a permissive policy allowed, or lifts what a restrictive one restricted.
//!
//! Check first: copy the claims into `app_metadata` from the server (service role), and make
//! sure the users who must keep access hold a token that carries them.

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
                )
                .in_transaction();
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
