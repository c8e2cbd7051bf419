//! # policy-auth-function-per-row
//!
//! ## What it finds
//! Policies that call `auth.uid()`, `auth.jwt()`, `auth.role()`, `auth.email()` or
//! `current_setting(...)` directly instead of inside a sub-select. Calls already inside a `SELECT`
//! are left alone.
//!
//! ## Why it matters
//! A bare call is evaluated for every row the query touches; wrapped as `(SELECT auth.uid())` the
//! planner evaluates it once per statement (an InitPlan). On a large table that is the difference
//! between milliseconds and seconds.
//!
//! ## Example
//! ```sql
//! CREATE POLICY users_own_clients ON clients USING (auth.uid() = user_id);
//! ```
//!
//! ## Fix
//! Recreate the policy with each call wrapped: `USING ((SELECT auth.uid()) = user_id)`. pglens
//! drafts `DROP POLICY IF EXISTS` and `CREATE POLICY` with the same name, command, roles and mode.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: the conditions mean the same, only evaluated once per
//! statement.
//! - The drop and the create run in one transaction (`BEGIN` ... `COMMIT`): apart, requests in
//!   between would be checked without the policy.
//! - Both lock the table exclusively for a moment: they wait behind long-running queries and block
//!   others while they wait.
//! - The calls are wrapped by rewriting the condition's text: read the drafted condition once,
//!   especially around `current_setting(...)` calls whose arguments hold parentheses of their own.
//! - A comment on the policy (`COMMENT ON POLICY`) is dropped with it and not recreated.

use super::prelude::*;

pub struct PolicyAuthFunctionPerRow;

static META: RuleMeta = RuleMeta {
    id: "policy-auth-function-per-row",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "Policy re-evaluates auth.uid() / current_setting() for every row",
    counterparts: &["splinter:0003_auth_rls_initplan"],
};

const CALLS: &[&str] = &["auth.uid()", "auth.jwt()", "auth.role()", "auth.email()"];

/// Wraps bare calls in `(SELECT ...)`; None when there is nothing to wrap.
pub fn wrap_calls(expr: &str) -> Option<String> {
    let mut out = String::with_capacity(expr.len() + 16);
    let mut changed = false;
    let mut rest = expr;
    while let Some((pos, call_len)) = next_call(rest) {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let call = &after[..call_len];
        if before.trim_end().to_ascii_uppercase().ends_with("SELECT") {
            out.push_str(call);
        } else {
            out.push_str("( SELECT ");
            out.push_str(call);
            out.push(')');
            changed = true;
        }
        rest = &after[call_len..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The next auth call or `current_setting(...)` call: its byte offset and length.
fn next_call(s: &str) -> Option<(usize, usize)> {
    let fixed = CALLS.iter().filter_map(|c| s.find(c).map(|p| (p, c.len())));
    let setting = s.find("current_setting(").and_then(|p| {
        let close = s[p..].find(')')?;
        Some((p, close + 1))
    });
    fixed.chain(setting).min_by_key(|(p, _)| *p)
}

impl Rule for PolicyAuthFunctionPerRow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for p in &t.policies {
                let using = p
                    .using
                    .as_deref()
                    .map(|u| wrap_calls(u).unwrap_or_else(|| u.to_string()));
                let check = p
                    .with_check
                    .as_deref()
                    .map(|c| wrap_calls(c).unwrap_or_else(|| c.to_string()));
                if using.as_deref() == p.using.as_deref()
                    && check.as_deref() == p.with_check.as_deref()
                {
                    continue;
                }
                // One transaction, so the table is never without the policy.
                let fix = Fix::safe(fix::recreate_policy(
                    t,
                    p,
                    using.as_deref(),
                    check.as_deref(),
                ))
                .in_transaction();
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &p.name),
                        format!(
                            "policy \"{}\" on {}.{} calls an auth function once per row; wrap it in (SELECT ...)",
                            p.name, t.schema, t.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_calls;

    #[test]
    fn wraps_only_bare_calls() {
        assert_eq!(
            wrap_calls("(auth.uid() = user_id)").as_deref(),
            Some("(( SELECT auth.uid()) = user_id)")
        );
        assert_eq!(wrap_calls("(( SELECT auth.uid() AS uid) = user_id)"), None);
        assert_eq!(
            wrap_calls("(tenant = current_setting('app.tenant'::text))").as_deref(),
            Some("(tenant = ( SELECT current_setting('app.tenant'::text)))")
        );
        assert_eq!(wrap_calls("(owner_id = user_id)"), None);
    }
}
