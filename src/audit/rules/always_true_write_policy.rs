//! # always-true-write-policy
//!
//! ## What it finds
//! INSERT, UPDATE, DELETE or ALL policies for the API roles (`anon`, `authenticated`, or
//! everyone) whose condition is just `true`.
//!
//! ## Why it matters
//! Row-level security is on, but the policy lets every caller write every row: anyone with
//! the public API key can insert notifications for any user, or rewrite other tenants' rows.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "anyone can notify" ON notifications FOR INSERT TO anon, authenticated
//!   WITH CHECK (true);
//! ```
//!
//! ## Fix
//! Replace the condition with one that ties the row to the caller. When the table has a
//! `user_id` column pglens drafts `user_id = (SELECT auth.uid())`; otherwise it drafts
//! dropping the policy (writes then go through the service role). Review either way.

use super::prelude::*;

pub struct AlwaysTrueWritePolicy;

static META: RuleMeta = RuleMeta {
    id: "always-true-write-policy",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Write policy for API roles whose condition is always true",
    counterparts: &["splinter:0024_permissive_rls_policy"],
};

fn is_true(expr: Option<&str>) -> bool {
    expr.is_some_and(|e| {
        e.trim()
            .trim_matches(['(', ')'])
            .trim()
            .eq_ignore_ascii_case("true")
    })
}

fn for_api_roles(p: &Policy) -> bool {
    p.roles
        .iter()
        .any(|r| r == "anon" || r == "authenticated" || r == "public")
}

impl Rule for AlwaysTrueWritePolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for p in &t.policies {
                let writes = p.command != PolicyCommand::Select;
                let open = match p.command {
                    PolicyCommand::Insert => is_true(p.with_check.as_deref()),
                    _ => is_true(p.using.as_deref()) || is_true(p.with_check.as_deref()),
                };
                if !(writes && open && p.permissive && for_api_roles(p)) {
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
                    .with_fix(Fix::review(statements, &[note])),
                );
            }
        }
    }
}
