//! # policy-null-uid-bypass
//!
//! ## What it finds
//! Row-level security policies for `anon` (or every role) whose condition lets a request
//! through when `auth.uid()` is null: `auth.uid() IS NULL OR ...`, in either order, with or
//! without the `(SELECT auth.uid())` wrapping.
//!
//! ## Why it matters
//! `auth.uid()` is null for every request made with the public API key and no signed-in
//! user. A branch meant for "not signed in yet" or for server-side jobs therefore opens the
//! rows to anyone on the internet who has the project URL: the policy grants anonymous
//! callers everything its other branch was written to restrict. Jobs that should bypass
//! row-level security run as `service_role` (which bypasses it) and need no such branch.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "own profile" ON profiles FOR SELECT
//!   USING (auth.uid() IS NULL OR auth.uid() = id);
//! ```
//!
//! ## Fix
//! pglens drafts `ALTER POLICY ... TO authenticated`: the policy then applies to signed-in
//! users only, for whom the null branch never holds. Then remove the `IS NULL` branch from
//! the condition, which pglens does not rewrite.
//!
//! ## Fix safety
//! Marked for review. Anonymous callers lose what this policy gave them; if some of that was
//! meant to be public (a published profile), write a separate `TO anon` policy that says
//! exactly which rows. Jobs that relied on the branch must run as `service_role`.

use super::prelude::*;

pub struct PolicyNullUidBypass;

static META: RuleMeta = RuleMeta {
    id: "policy-null-uid-bypass",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Policy lets requests without a user through (auth.uid() IS NULL OR ...)",
    counterparts: &[],
};

/// Whether a condition ORs in `auth.uid() IS NULL`: the text squeezed of spaces, case,
/// parentheses and the init-plan wrapping, then searched for the branch next to an OR.
fn null_uid_branch(condition: &str) -> bool {
    let squeezed = crate::text::squeezed(
        &condition
            .to_lowercase()
            .replace("select", "")
            .replace(" as uid", ""),
    );
    let branch = "auth.uidisnull";
    squeezed.contains(&format!("{branch}or")) || squeezed.contains(&format!("or{branch}"))
}

impl Rule for PolicyNullUidBypass {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for p in &t.policies {
                let for_anonymous = p.roles.iter().any(|r| r == "anon" || r == "public");
                let conditions = [p.using.as_deref(), p.with_check.as_deref()];
                if !p.permissive
                    || !for_anonymous
                    || !conditions.into_iter().flatten().any(null_uid_branch)
                {
                    continue;
                }
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &p.name),
                        format!(
                            "policy \"{}\" on {}.{} lets every request without a signed-in user through (auth.uid() IS NULL OR ...)",
                            p.name, t.schema, t.name
                        ),
                    )
                    .with_fix(Fix::review(
                        vec![fix::policy_to_roles(t, &p.name, &["authenticated"])],
                        &["Anonymous callers lose what this policy gave them: write a separate TO anon policy for what is really public, then remove the IS NULL branch."],
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::null_uid_branch;

    #[test]
    fn finds_the_null_branch_in_any_spelling() {
        assert!(null_uid_branch(
            "((auth.uid() IS NULL) OR (auth.uid() = id))"
        ));
        assert!(null_uid_branch(
            "((id = ( SELECT auth.uid() AS uid)) OR (( SELECT auth.uid() AS uid) IS NULL))"
        ));
        assert!(!null_uid_branch(
            "((auth.uid() IS NOT NULL) AND (auth.uid() = id))"
        ));
        assert!(!null_uid_branch("(auth.uid() = id)"));
    }
}
