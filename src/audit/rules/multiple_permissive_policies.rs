//! # multiple-permissive-policies
//!
//! ## What it finds
//! Two or more permissive policies on one table that apply to the same role and command (a
//! `FOR ALL` policy counts for every command, and a policy for `public` for every role).
//! Restrictive policies are not counted.
//!
//! ## Why it matters
//! PostgreSQL evaluates every one of them for every row and ORs the results, so each extra policy
//! costs a full evaluation; and the effective rule is spread over several places, which makes it
//! easy to loosen access by accident.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "members read projects" ON projects FOR SELECT TO authenticated USING (...);
//! CREATE POLICY "owners read projects"  ON projects FOR SELECT TO authenticated USING (...);
//! ```
//!
//! ## Fix
//! When the overlapping policies have the same command and the same roles, pglens drafts one policy
//! in their place: the old ones are dropped, and the new one, named after them (`"a or b"`), has
//! the OR of their `USING` conditions and of their `WITH CHECK` conditions. When they differ (a
//! `FOR ALL` policy overlapping a specific one, or different role lists), no SQL is drafted: split
//! the `FOR ALL` policy by command, or align the roles, first.
//!
//! ## Fix safety
//! Marked for review. PostgreSQL ORs permissive policies anyway, so the merged policy allows
//! the same rows, but the policies it replaces are gone by name: a later migration, a
//! dashboard edit or a tool that drops or alters them by name fails, and the merged policy's
//! drafted name is mechanical (rename it to say what it allows). Merge them in the
//! migrations too.
//! - The draft is one transaction (`BEGIN` ... `COMMIT`): run apart, requests in between would
//!   be checked against fewer policies (or none) and refused rows and writes they are allowed.
//! - `DROP POLICY` and `CREATE POLICY` lock the table exclusively for a moment: they wait behind
//!   long-running queries and block others while they wait.
//! - When only some of the policies have a `WITH CHECK`, the merged policy gets none, and new rows
//!   are then checked against the merged `USING`. For UPDATE and ALL policies, compare the drafted
//!   conditions with the old ones in that case.
//! - Migrations or scripts that refer to the old policy names must use the new one.

use std::collections::BTreeMap;

use super::prelude::*;

pub struct MultiplePermissivePolicies;

static META: RuleMeta = RuleMeta {
    id: "multiple-permissive-policies",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "Several permissive policies for the same role and command",
    counterparts: &["splinter:0006_multiple_permissive_policies"],
};

const COMMANDS: [PolicyCommand; 4] = [
    PolicyCommand::Select,
    PolicyCommand::Insert,
    PolicyCommand::Update,
    PolicyCommand::Delete,
];

fn applies_to(p: &Policy, command: PolicyCommand) -> bool {
    p.command == command || p.command == PolicyCommand::All
}

impl Rule for MultiplePermissivePolicies {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_relations() {
            // (command, role) -> policies; reported once per table and command.
            let mut overlaps: BTreeMap<&str, Vec<&Policy>> = BTreeMap::new();
            let mut roles_hit: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for command in COMMANDS {
                let permissive: Vec<&Policy> = t
                    .policies
                    .iter()
                    .filter(|p| p.permissive && applies_to(p, command))
                    .collect();
                let mut roles: Vec<&str> = permissive
                    .iter()
                    .flat_map(|p| p.roles.iter().map(String::as_str))
                    .collect();
                roles.sort_unstable();
                roles.dedup();
                for role in roles {
                    let for_role: Vec<&Policy> = permissive
                        .iter()
                        .copied()
                        .filter(|p| p.roles.iter().any(|r| r == role || r == "public"))
                        .collect();
                    if for_role.len() > 1 {
                        let entry = overlaps.entry(command.sql()).or_default();
                        for p in for_role {
                            if !entry.iter().any(|q| q.name == p.name) {
                                entry.push(p);
                            }
                        }
                        roles_hit.entry(command.sql()).or_default().push(role);
                    }
                }
            }
            // One finding per set of overlapping policies, naming the commands it overlaps
            // on: two FOR ALL policies overlap on every command, which reads "ALL".
            let mut by_set: BTreeMap<Vec<&str>, (Vec<&str>, Vec<&Policy>)> = BTreeMap::new();
            for (command, policies) in &overlaps {
                let mut names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
                names.sort_unstable();
                let entry = by_set
                    .entry(names)
                    .or_insert_with(|| (Vec::new(), policies.clone()));
                entry.0.push(command);
            }
            for (set, (commands, policies)) in by_set {
                let command = if commands.len() == COMMANDS.len() {
                    "ALL".to_string()
                } else {
                    commands.join("/")
                };
                let names: Vec<String> =
                    policies.iter().map(|p| format!("\"{}\"", p.name)).collect();
                let mut roles: Vec<&str> = commands
                    .iter()
                    .flat_map(|c| roles_hit.get(c).into_iter().flatten().copied())
                    .collect();
                roles.sort_unstable();
                roles.dedup();
                let mut finding = META
                    .finding(
                        ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &policies[0].name),
                        format!(
                            "{}.{} has {} permissive {command} policies for {}: {}",
                            t.schema,
                            t.name,
                            policies.len(),
                            roles.join(", "),
                            names.join(", ")
                        ),
                    )
                    // The first policy names the finding's place; the set tells it apart.
                    .distinguished_by(&set.join("+"));
                if let Some(fix) = merge(t, &policies) {
                    finding = finding.with_fix(fix);
                }
                out.push(finding);
            }
        }
    }
}

/// One policy with the OR of the others' conditions, when they agree on command and roles.
fn merge(t: &Relation, policies: &[&Policy]) -> Option<Fix> {
    let first = policies.first()?;
    if policies
        .iter()
        .any(|p| p.command != first.command || p.roles != first.roles)
    {
        return None;
    }
    let or = |pick: fn(&Policy) -> Option<&str>| -> Option<String> {
        let parts: Vec<&str> = policies.iter().filter_map(|p| pick(p)).collect();
        (parts.len() == policies.len()).then(|| {
            parts
                .iter()
                .map(|e| format!("({e})"))
                .collect::<Vec<_>>()
                .join(" OR ")
        })
    };
    let using = or(|p| p.using.as_deref());
    let with_check = or(|p| p.with_check.as_deref());
    let name = policies
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" or ");
    let name = fix::object_name(&[&name]);
    let mut statements: Vec<FixStatement> = policies
        .iter()
        .map(|p| fix::drop_policy(t, &p.name))
        .collect();
    statements.push(fix::create_policy(
        t,
        &fix::PolicySpec {
            name: &name,
            command: first.command,
            permissive: true,
            roles: &first.roles,
            using: using.as_deref(),
            with_check: with_check.as_deref(),
        },
    ));
    Some(
        // One transaction, so the table is never without its policies.
        Fix::review(
            statements,
            &["The merged policies are gone by name: update migrations or tools that drop or alter them by name, and give the new policy a name that says what it allows.", "Apply it after pglens's other drafts for these policies: they alter them by name and fail once they are merged."],
        )
        .in_transaction(),
    )
}
