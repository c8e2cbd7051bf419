//! # write-policy-without-with-check
//!
//! ## What it finds
//! UPDATE and ALL policies with a USING condition but no WITH CHECK.
//!
//! ## Why it matters
//! PostgreSQL then checks new rows against USING, which is usually what was meant, but
//! only implicitly: a later edit that loosens USING for reads silently loosens writes too,
//! and a reader cannot tell whether the author thought about writes at all.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "members update tasks" ON tasks FOR UPDATE USING (is_member(project_id));
//! ```
//!
//! ## Fix
//! Recreate the policy with WITH CHECK spelled out as the same condition: `DROP POLICY IF
//! EXISTS`, then `CREATE POLICY` with the same name, command, roles and mode.
//!
//! ## Fix safety
//! Marked safe to paste: PostgreSQL already checks new rows against USING when WITH CHECK is
//! missing, so spelling it out leaves behaviour unchanged. The two statements run in one
//! transaction: apart, the table would be without the policy in between, which denies what a
//! permissive policy allowed, or lifts what a restrictive one restricted; and if the `CREATE`
//! failed, the policy would stay gone. The condition is
//! copied as PostgreSQL prints it, with names schema-qualified only where the audited
//! session's search_path needed it: run the fix with the same search_path.

use super::prelude::*;

pub struct WritePolicyWithoutWithCheck;

static META: RuleMeta = RuleMeta {
    id: "write-policy-without-with-check",
    severity: Severity::Info,
    category: Category::Security,
    summary: "UPDATE or ALL policy relies on USING to check new rows",
    counterparts: &[],
};

impl Rule for WritePolicyWithoutWithCheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            for p in &t.policies {
                let (Some(using), None) = (&p.using, &p.with_check) else {
                    continue;
                };
                if !matches!(p.command, PolicyCommand::Update | PolicyCommand::All) {
                    continue;
                }
                // One transaction: the table is never without the policy in between.
                let fix = Fix::safe(fix::recreate_policy(t, p, Some(using), Some(using)))
                    .in_transaction();
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &p.name),
                        format!(
                            "{} policy \"{}\" on {}.{} has no WITH CHECK; new rows are checked only implicitly",
                            p.command.sql(),
                            p.name,
                            t.schema,
                            t.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
