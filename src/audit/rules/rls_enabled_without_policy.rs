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
//! ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;   -- and no CREATE POLICY
//! ```
//!
//! ## Fix
//! Add the policies the table needs. On Supabase, when the table has a `user_id` column,
//! pglens drafts an owner-only policy, `FOR ALL TO authenticated USING ((SELECT auth.uid()) =
//! user_id)` with the same WITH CHECK. Otherwise it drafts a policy for `service_role`,
//! `USING (true) WITH CHECK (true)`, that makes the service-only intent explicit; where no
//! `service_role` exists, `FOR ALL TO PUBLIC USING (false) WITH CHECK (false)`, which says
//! "owner only" in so many words. Each draft starts with `DROP POLICY IF EXISTS` of its own
//! name, so it can be run again.
//!
//! ## Fix safety
//! Marked for review: only you know who should see the rows. The owner-only draft opens the
//! table to every signed-in user for the rows whose `user_id` is theirs, to read, insert,
//! update and delete; widen it if teammates share rows, and split it by command if users must
//! not write. It fails if `user_id` is not a `uuid`.
//!
//! On Supabase `service_role` bypasses row-level security anyway, so the service draft
//! records the intent without changing who sees what; elsewhere it gives that role every row.
//! The `USING (false)` draft, where no `service_role` exists, denies exactly what is denied
//! already: it changes nothing but the finding. Replace it with a policy for the roles that
//! really need the rows if that was the intent.

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
            } else if cx.catalog.has_role("service_role") {
                (
                    "service access only",
                    vec!["service_role".to_string()],
                    "true",
                    "Drafted to make service-only access explicit; replace with the real audience if users should see rows.",
                )
            } else {
                // Without a service role, say "nobody but the owner" in so many words: a
                // policy that denies what is denied already, never one that opens the table.
                (
                    "owner access only",
                    vec!["PUBLIC".to_string()],
                    "false",
                    "Drafted to make owner-only access explicit (it denies what is denied already); replace it with the real audience if other roles should see rows.",
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
            )
            .in_transaction();
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
