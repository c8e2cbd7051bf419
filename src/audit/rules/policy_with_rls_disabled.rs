//! # policy-with-rls-disabled
//!
//! ## What it finds
//! Tables that have row-level security policies while row-level security itself is off.
//!
//! ## Why it matters
//! Policies do nothing until RLS is enabled. Someone wrote them believing the table was
//! protected; it is not: every role with a grant on the table reaches every row.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "members read projects" ON projects
//!   FOR SELECT USING (is_member(team_id));   -- RLS never enabled on projects
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`, so that the existing policies start to apply.
//!
//! ## Fix safety
//! Marked for review. The policies already say who should see what, but they have never
//! been enforced, so nothing has shown them to be right. Once RLS is on, every role except
//! the table's owner and roles with BYPASSRLS gets only what a policy allows: a command with
//! no policy (a SELECT policy but none for INSERT, say) is refused outright, and a wrong
//! condition hides rows from users who need them. The statement takes a brief exclusive lock
//! on the table; `ALTER TABLE ... DISABLE ROW LEVEL SECURITY` undoes it.
//!
//! Check first: list the policies by command and role, and try them before enabling, on a
//! staging copy or in a short transaction that you roll back (enable RLS, `SET LOCAL ROLE`
//! to each API role, run the application's queries, `ROLLBACK`; the lock is held until then).

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
