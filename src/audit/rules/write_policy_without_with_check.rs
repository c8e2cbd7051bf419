//! # write-policy-without-with-check
//!
//! ## What it finds
//! UPDATE and ALL policies with a USING condition but no WITH CHECK. Two kinds:
//! - a warning (security) when the table's INSERT policies for the same roles check
//!   something USING does not (`sender_id = auth.uid()` to update, but also "is a member of
//!   the conversation" to insert): one finding per such policy;
//! - otherwise a note about explicitness, one per table: PostgreSQL applies USING to new
//!   rows too, so nothing is open.
//!
//! ## Why it matters
//! PostgreSQL checks an updated row against USING when WITH CHECK is missing. Where the
//! INSERT policy asks more, an update can move a row where an insert is refused: a message
//! moved into a conversation its sender is not part of, a post into a community its author
//! has not joined. Otherwise it is only implicit: a later edit that loosens USING for reads
//! silently loosens writes too, and a reader cannot tell whether the author thought about
//! writes at all.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "members update tasks" ON tasks FOR UPDATE USING (is_member(project_id));
//! ```
//!
//! ## Fix
//! For the warning, `ALTER POLICY ... WITH CHECK ((using) AND ((insert check) OR ...))`:
//! updated rows must meet what inserted rows meet. For the note, spell WITH CHECK out as
//! the same condition, in place: `ALTER POLICY ... WITH CHECK (using)`.
//!
//! ## Fix safety
//! The warning's fix is marked for review: updates that moved rows where an insert would be
//! refused start failing, which is the point, but where other people than the row's author
//! update it (a moderator resolving a report), requiring the INSERT condition refuses them
//! too; write a check on the columns that must not change instead. The note's fix is marked
//! safe to paste: PostgreSQL already checks new rows against USING when WITH CHECK is
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

/// Squeezed for comparison: lower case, no spaces or parentheses.
fn squeezed(condition: &str) -> String {
    condition
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect()
}

fn roles_overlap(a: &Policy, b: &Policy) -> bool {
    let everyone = |p: &Policy| p.roles.iter().any(|r| r == "public");
    everyone(a) || everyone(b) || a.roles.iter().any(|r| b.roles.contains(r))
}

/// The conditions new rows must meet on INSERT for the roles of `update`, from the other
/// permissive policies (an ALL policy without WITH CHECK checks inserts with its USING).
fn insert_checks<'a>(t: &'a Relation, update: &Policy) -> Vec<(&'a Policy, &'a str)> {
    t.policies
        .iter()
        .filter(|p| p.name != update.name && p.permissive && roles_overlap(p, update))
        .filter(|p| matches!(p.command, PolicyCommand::Insert | PolicyCommand::All))
        .filter_map(|p| {
            p.with_check
                .as_deref()
                .or(p.using.as_deref())
                .map(|c| (p, c))
        })
        .collect()
}

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
            let mut plain = Vec::new();
            for (p, using) in implicit {
                let inserts = insert_checks(t, p);
                // New rows of an UPDATE meet only USING; if no INSERT condition is part of
                // it, an update can put a row where an insert would be refused.
                let weaker = !inserts.is_empty()
                    && inserts
                        .iter()
                        .all(|(_, c)| !squeezed(using).contains(&squeezed(c)));
                if weaker {
                    out.push(weaker_than_insert(t, p, using, &inserts));
                } else {
                    plain.push((p, using));
                }
            }
            if let Some(first) = plain.first() {
                out.push(only_implicit(t, first.0, &plain));
            }
        }
    }
}

/// An UPDATE policy whose implicit check is weaker than the table's INSERT policies.
fn weaker_than_insert(
    t: &Relation,
    p: &Policy,
    using: &str,
    inserts: &[(&Policy, &str)],
) -> Finding {
    let names: Vec<String> = inserts
        .iter()
        .map(|(i, _)| format!("\"{}\"", i.name))
        .collect();
    let any_insert: Vec<String> = inserts.iter().map(|(_, c)| format!("({c})")).collect();
    let check = format!("({using}) AND ({})", any_insert.join(" OR "));
    META.finding(
        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &p.name),
        format!(
            "{} policy \"{}\" on {}.{} checks updated rows only against USING, which is weaker than INSERT's {}: an update can move a row where an insert is refused",
            p.command.sql(),
            p.name,
            t.schema,
            t.name,
            names.join(", ")
        ),
    )
    .with_severity(Severity::Warning)
    .with_category(Category::Security)
    .distinguished_by("weaker-than-insert")
    .with_fix(Fix::review(
        vec![fix::alter_policy(t, &p.name, None, Some(&check))],
        &["Updated rows must then meet the INSERT condition too. Where others than the row's author update it (moderators), that refuses them as well: check only the columns that must not change instead."],
    ))
}

/// The rest of a table's UPDATE policies, whose implicit check is as good as explicit.
fn only_implicit(t: &Relation, first: &Policy, policies: &[(&Policy, &str)]) -> Finding {
    let names: Vec<String> = policies
        .iter()
        .map(|(p, _)| format!("{} policy \"{}\"", p.command.sql(), p.name))
        .collect();
    META.finding(
        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &first.name),
        format!(
            "{} on {}.{} check{} new rows only implicitly, through USING (no WITH CHECK)",
            names.join(", "),
            t.schema,
            t.name,
            if policies.len() == 1 { "s" } else { "" }
        ),
    )
    .with_fix(Fix::safe(
        policies
            .iter()
            .map(|(p, using)| fix::alter_policy(t, &p.name, None, Some(using)))
            .collect(),
    ))
}
