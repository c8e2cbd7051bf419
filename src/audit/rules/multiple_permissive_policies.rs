//! # multiple-permissive-policies
//!
//! ## What it finds
//! Two or more permissive policies on one table that apply to the same role and command
//! (a `FOR ALL` policy counts for every command).
//!
//! ## Why it matters
//! PostgreSQL evaluates every one of them for every row and ORs the results, so each extra
//! policy costs a full evaluation; and the effective rule is spread over several places,
//! which makes it easy to loosen access by accident.
//!
//! ## Example
//! ```sql
//! CREATE POLICY "members read deals" ON deals FOR SELECT TO authenticated USING (...);
//! CREATE POLICY "owners read deals"  ON deals FOR SELECT TO authenticated USING (...);
//! ```
//!
//! ## Fix
//! When the policies share one command, pglens drafts a single policy whose condition is the
//! OR of theirs, replacing them; the meaning is unchanged. When a `FOR ALL` policy overlaps
//! a specific one, split the `FOR ALL` policy by command first; no SQL is drafted.

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
            for (command, policies) in overlaps {
                let names: Vec<String> =
                    policies.iter().map(|p| format!("\"{}\"", p.name)).collect();
                let roles = roles_hit
                    .get(command)
                    .map(|r| r.join(", "))
                    .unwrap_or_default();
                let mut finding = META.finding(
                    ObjectRef::part(ObjectKind::Policy, &t.schema, &t.name, &policies[0].name),
                    format!(
                        "{}.{} has {} permissive {command} policies for {roles}: {}",
                        t.schema,
                        t.name,
                        policies.len(),
                        names.join(", ")
                    ),
                );
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
        Fix::safe(statements)
            .note("Run as one transaction so the table is never without its policies."),
    )
}
