//! # always-true-write-policy
//!
//! ## What it finds
//! Permissive INSERT, UPDATE, DELETE or ALL policies for the API roles (`anon`, `authenticated`, or
//! everyone through `public`) whose condition is just `true`, read as PostgreSQL applies it: the
//! `WITH CHECK` of an INSERT policy, the `USING` of an UPDATE or DELETE policy (which reach only
//! the rows `USING` admits: none without one), either of an ALL policy. SELECT policies and
//! restrictive policies are left alone, and so is an UPDATE policy with only `WITH CHECK (true)`:
//! it lets nothing be updated.
//!
//! ## Why it matters
//! Row-level security is on, but the policy lets every caller write every row: anyone with the
//! public API key can insert notifications for any user, or rewrite other tenants' rows.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "anyone can notify" ON notifications FOR INSERT TO anon, authenticated
//!   WITH CHECK (true);
//! ```
//!
//! ## Fix
//! Replace the condition with one that ties the row to the caller. On Supabase, when the table has
//! a `user_id` column, pglens drafts the policy again (same name, command and roles) with
//! `user_id = (SELECT auth.uid())` as its condition: owner-only writes. Otherwise it drafts
//! dropping the policy, so that only roles that bypass row-level security (such as the service
//! role) can write; add a narrower policy if clients must write.
//!
//! ## Fix safety
//! pglens marks this fix for review: it changes who may write, and it guesses what the policy was
//! meant to allow.
//! - Owner-only writes refuse every legitimate write of another user's row (one user notifying
//!   another, an admin editing a member's row). Find those writes before applying.
//! - Check that `user_id` holds the caller's auth user id (a `uuid`); with another type the
//!   `CREATE POLICY` fails.
//! - The draft replaces both conditions of the policy; a narrower `WITH CHECK` it had is not kept.
//! - A `FOR ALL` policy also governs reads: the owner-only draft narrows reads to the caller's own
//!   rows, and dropping it removes the reads it allowed. Add a SELECT policy first if reads must
//!   stay as they are.
//! - `DROP POLICY` and `CREATE POLICY` lock the table exclusively for a moment (they wait behind
//!   long-running queries and block others while they wait). The draft runs the drop and the
//!   create in one transaction (`BEGIN` ... `COMMIT`), so the table is never without the policy.

use super::prelude::*;

pub struct AlwaysTrueWritePolicy;

static META: RuleMeta = RuleMeta {
    id: "always-true-write-policy",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Write policy for API roles whose condition is always true",
    counterparts: &["splinter:0024_rls_policy_always_true"],
};

fn is_true(expr: Option<&str>) -> bool {
    expr.is_some_and(|e| {
        e.trim()
            .trim_matches(['(', ')'])
            .trim()
            .eq_ignore_ascii_case("true")
    })
}

impl Rule for AlwaysTrueWritePolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for p in &t.policies {
                // As PostgreSQL applies them: UPDATE and DELETE reach only the rows USING
                // admits (none without a USING), INSERT writes what WITH CHECK admits, and
                // ALL does both.
                let open = match p.command {
                    PolicyCommand::Insert => is_true(p.with_check.as_deref()),
                    PolicyCommand::Update | PolicyCommand::Delete => is_true(p.using.as_deref()),
                    PolicyCommand::All => {
                        is_true(p.using.as_deref()) || is_true(p.with_check.as_deref())
                    }
                    PolicyCommand::Select => false,
                };
                if !(open && p.permissive && p.applies_to_api_clients()) {
                    continue;
                }
                let (statements, note) = if t.has_column("user_id") && cx.supabase {
                    let owner = "user_id = (SELECT auth.uid())";
                    let using = (p.command != PolicyCommand::Insert).then_some(owner);
                    (
                        fix::recreate_policy(t, p, using, Some(owner)),
                        "Drafted as owner-only writes through user_id; check that is the intent.",
                    )
                } else {
                    (
                        vec![fix::drop_policy(t, &p.name)],
                        "Drafted as dropping the policy, so only the service role writes; add a narrower policy if clients must write.",
                    )
                };
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &p.name),
                        format!(
                            "policy \"{}\" lets {} {} any row of {}.{}",
                            p.name,
                            p.roles.join(", "),
                            p.command.sql(),
                            t.schema,
                            t.name
                        ),
                    )
                    .with_fix(Fix::review(statements, &[note]).in_transaction()),
                );
            }
        }
    }
}
