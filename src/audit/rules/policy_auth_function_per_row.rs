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
//! Change the policy in place with each call wrapped: `ALTER POLICY ... USING ((SELECT
//! auth.uid()) = user_id)`. The name, command, roles, mode and any comment stay.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: the conditions mean the same, only evaluated once per
//! statement.
//! - `ALTER POLICY` is one statement, so no request is ever checked without the policy. It
//!   locks the table exclusively for a moment: it waits behind long-running queries and
//!   blocks others while it waits.
//! - It fails, changing nothing, if the policy no longer exists (another change merged or
//!   dropped it), rather than bring it back.
//! - The calls are wrapped by rewriting the condition's text: read the drafted condition once,
//!   especially around `current_setting(...)` calls whose arguments hold parentheses of their own.

use super::prelude::*;
use crate::sql::initplan::wrap_calls;

pub struct PolicyAuthFunctionPerRow;

static META: RuleMeta = RuleMeta {
    id: "policy-auth-function-per-row",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "Policy re-evaluates auth.uid() / current_setting() for every row",
    counterparts: &["splinter:0003_auth_rls_initplan"],
};

/// The new condition when it differs from the old one.
fn changed<'a>(new: &'a Option<String>, old: &Option<String>) -> Option<&'a str> {
    if new == old {
        None
    } else {
        new.as_deref()
    }
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
                // In place: one statement, and it never revives a policy another fix
                // merged away.
                let fix = Fix::safe(vec![fix::alter_policy(
                    t,
                    &p.name,
                    changed(&using, &p.using),
                    changed(&check, &p.with_check),
                )]);
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
