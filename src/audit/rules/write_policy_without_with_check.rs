//! # write-policy-without-with-check
//!
//! ## What it finds
//! UPDATE and ALL policies with a USING condition but no WITH CHECK, one finding per table.
//! This is about explicitness, not a hole: PostgreSQL applies USING to new rows too.
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
//! Spell WITH CHECK out as the same condition, in place: `ALTER POLICY ... WITH CHECK
//! (...)`. One finding per table lists its policies.
//!
//! ## Fix safety
//! Marked safe to paste: PostgreSQL already checks new rows against USING when WITH CHECK is
//! missing, so spelling it out leaves behaviour unchanged. `ALTER POLICY` is one statement
//! that keeps the policy's name, command, roles and comment, and fails, changing nothing, if
//! the policy no longer exists. The condition is copied as PostgreSQL prints it, with names
//! schema-qualified only where the audited session's search_path needed it: run the fix with
//! the same search_path.

use super::prelude::*;

pub struct WritePolicyWithoutWithCheck;

static META: RuleMeta = RuleMeta {
    id: "write-policy-without-with-check",
    severity: Severity::Info,
    category: Category::Maintainability,
    summary: "UPDATE or ALL policy relies on USING to check new rows",
    counterparts: &[],
};

impl Rule for WritePolicyWithoutWithCheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            let implicit: Vec<(&Policy, &str)> = t
                .policies
                .iter()
                .filter(|p| matches!(p.command, PolicyCommand::Update | PolicyCommand::All))
                .filter_map(|p| match (&p.using, &p.with_check) {
                    (Some(using), None) => Some((p, using.as_str())),
                    _ => None,
                })
                .collect();
            let Some((first, _)) = implicit.first() else {
                continue;
            };
            let names: Vec<String> = implicit
                .iter()
                .map(|(p, _)| format!("{} policy \"{}\"", p.command.sql(), p.name))
                .collect();
            let fix = Fix::safe(
                implicit
                    .iter()
                    .map(|(p, using)| fix::alter_policy(t, &p.name, None, Some(using)))
                    .collect(),
            );
            out.push(
                META.finding(
                    ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &first.name),
                    format!(
                        "{} on {}.{} check{} new rows only implicitly, through USING (no WITH CHECK)",
                        names.join(", "),
                        t.schema,
                        t.name,
                        if implicit.len() == 1 { "s" } else { "" }
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
