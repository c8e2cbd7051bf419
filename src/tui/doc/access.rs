//! One role's access to a relation in full (Space on the Grants tab): each privilege and
//! where it comes from, the columns of a column grant, what row-level security leaves of
//! it and through which policies, the roles it inherits from, and the default privileges
//! that will give it the same on the next table its owner creates in the schema.

use super::{Doc, Kind};
use crate::model::version::Feature;
use crate::model::{Catalog, Relation, RlsEffect, RoleAccess, Source, TABLE_PRIVILEGES};

pub fn doc(catalog: &Catalog, r: &Relation, a: &RoleAccess) -> Doc {
    let mut doc = Doc::new(&format!("{} on {}.{}", a.role, r.schema, r.name));
    if a.role == "PUBLIC" {
        doc.line(
            Kind::Muted,
            "PUBLIC is every role: what it holds, every role holds.",
        );
    }
    let mut none = Vec::new();
    for (privilege, held) in TABLE_PRIVILEGES.iter().zip(&a.held) {
        if a.holds_everything() {
            continue;
        }
        if held.on_table() {
            doc.field(privilege, &format!("whole table ({})", labels(&held.table)));
        } else if !held.columns.is_empty() {
            let columns: Vec<String> = held
                .columns
                .iter()
                .map(|(c, s)| format!("{c} ({})", s.label()))
                .collect();
            doc.field(privilege, &format!("columns {}", columns.join(", ")));
        } else if *privilege != "MAINTAIN" || catalog.has(Feature::MaintainPrivilege) {
            none.push(*privilege);
        }
    }
    if a.owner {
        doc.field("privileges", "all: it owns the table (and may grant them)");
    } else if a.superuser {
        doc.field("privileges", "all: superuser");
    } else if !none.is_empty() {
        doc.field("not held", &none.join(", "));
    }
    doc.blank();
    rls(&mut doc, r, a);
    if let Some(role) = catalog.role(&a.role) {
        let mut attributes = Vec::new();
        if role.superuser {
            attributes.push("superuser");
        }
        if role.bypass_rls {
            attributes.push("BYPASSRLS");
        }
        attributes.push(if role.login { "can log in" } else { "no login" });
        doc.field("attributes", &attributes.join(", "));
        if !role.member_of.is_empty() {
            doc.field("inherits from", &role.member_of.join(", "));
        }
    }
    defaults(&mut doc, catalog, r, &a.role);
    doc
}

fn labels(sources: &[Source]) -> String {
    sources
        .iter()
        .map(Source::label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn rls(doc: &mut Doc, r: &Relation, a: &RoleAccess) {
    let text = match a.rls {
        RlsEffect::Disabled => "off: the privileges above reach every row".to_string(),
        RlsEffect::Bypassed if a.owner => {
            "skipped: the owner is exempt unless FORCE ROW LEVEL SECURITY is set".to_string()
        }
        RlsEffect::Bypassed => "skipped: the role bypasses row-level security".to_string(),
        RlsEffect::Policies(0) => {
            "enabled, and no policy names this role: it sees and changes no rows".to_string()
        }
        RlsEffect::Policies(n) => format!("enabled; {n} of the table's policies apply:"),
        RlsEffect::OnlyRestrictive(n) => format!(
            "enabled, and only restrictive policies name this role ({n}): a row must also \
             pass a permissive policy, so it sees and changes no rows"
        ),
    };
    doc.field("row-level security", &text);
    if matches!(a.rls, RlsEffect::Policies(n) | RlsEffect::OnlyRestrictive(n) if n > 0) {
        for p in a.policies.iter().filter_map(|&i| r.policies.get(i)) {
            doc.line(
                Kind::Text,
                &format!("  {} ({}, {})", p.name, p.command.sql(), p.roles.join(", ")),
            );
        }
    }
}

fn defaults(doc: &mut Doc, catalog: &Catalog, r: &Relation, role: &str) {
    let lines: Vec<String> = catalog
        .default_privileges
        .iter()
        .filter(|d| d.grantee == role && d.covers_tables_like(r))
        .map(|d| {
            format!(
                "{} on tables {} creates{}",
                d.privileges.join(", "),
                if d.role.is_empty() {
                    "the migration role"
                } else {
                    &d.role
                },
                d.schema
                    .as_deref()
                    .map(|s| format!(" in {s}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    if !lines.is_empty() {
        doc.blank();
        doc.line(
            Kind::Label,
            "default privileges (what new tables will grant it):",
        );
        for l in lines {
            doc.line(Kind::Text, &format!("  {l}"));
        }
    }
}
