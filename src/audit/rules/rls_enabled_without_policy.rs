//! # rls-enabled-without-policy
//!
//! ## What it finds
//! Tables with row-level security enabled and no policy at all.
//!
//! ## Why it matters
//! Every role but the owner (and roles with BYPASSRLS) sees zero rows. Sometimes that is the
//! intent (a service-only table); more often a policy was forgotten, and the feature built
//! on the table quietly returns nothing.
//!
//! ## Example
//! ```sql
//! ALTER TABLE storage_quotas ENABLE ROW LEVEL SECURITY;   -- and no CREATE POLICY
//! ```
//!
//! ## Fix
//! Add the policies the table needs. When it has a `user_id` column, pglens drafts an
//! owner-only policy for `authenticated`; otherwise it drafts a policy for `service_role` that
//! makes the deny-all intent explicit. Review the draft: only you know who should see the rows.

use super::prelude::*;

pub struct RlsEnabledWithoutPolicy;

static META: RuleMeta = RuleMeta {
    id: "rls-enabled-without-policy",
    severity: Severity::Info,
    category: Category::Security,
    summary: "Row-level security is on but no policy exists",
    counterparts: &["splinter:0008_rls_enabled_no_policy"],
};

impl Rule for RlsEnabledWithoutPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            if !t.rls_enabled || !t.policies.is_empty() {
                continue;
            }
            let (name, roles, using, note) = if t.has_column("user_id") && cx.supabase {
                (
                    "owner access",
                    vec!["authenticated".to_string()],
                    "(SELECT auth.uid()) = user_id",
                    "Drafted as owner-only access through user_id; widen it if teammates share rows.",
                )
            } else {
                let role = if cx.catalog.has_role("service_role") {
                    "service_role"
                } else {
                    "PUBLIC"
                };
                (
                    "service access only",
                    vec![role.to_string()],
                    "true",
                    "Drafted to make service-only access explicit; replace with the real audience if users should see rows.",
                )
            };
            let policy = fix::PolicySpec {
                name,
                command: PolicyCommand::All,
                permissive: true,
                roles: &roles,
                using: Some(using),
                with_check: Some(using),
            };
            let fix = Fix::review(
                vec![fix::drop_policy(t, name), fix::create_policy(t, &policy)],
                &[note],
            );
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} has row-level security on but no policy: only its owner sees rows",
                        t.schema, t.name
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
