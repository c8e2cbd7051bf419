//! The Grants tab: one row per role that can do something on the relation (and, on
//! Supabase, the API roles even when they cannot), a mark per privilege, what row-level
//! security leaves of it, and where the privileges come from. A role the HTTP API serves
//! that can read or write every row (RLS off in an exposed schema) is drawn as critical:
//! that is a table open to the internet. Space shows a role's access in full.

use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::{Catalog, Held, Relation, RlsEffect, RoleAccess, TABLE_PRIVILEGES};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{shown, widest};

/// Three-letter headers for [`TABLE_PRIVILEGES`], in that order.
const HEADERS: [&str; 8] = ["sel", "ins", "upd", "del", "trn", "ref", "trg", "mnt"];

/// Below this many columns for it, the "from" column is left to the full view.
const FROM_MIN: u16 = 10;

pub fn table<'a>(catalog: &Catalog, r: &Relation, width: u16, theme: &Theme) -> TabTable<'a> {
    let access = catalog.access(r);
    // MAINTAIN (PostgreSQL 17) gets a column only where someone holds it by grant.
    let privileges = if access
        .iter()
        .any(|a| !a.holds_everything() && a.held.get(7).is_some_and(Held::any))
    {
        8
    } else {
        7
    };
    let open = !r.rls_enabled && catalog.is_supabase() && catalog.api_schemas().contains(&r.schema);
    let role_width = widest(access.iter().map(|a| a.role.as_str()), 4, 24);
    let fixed = role_width + 4 * privileges as u16 + 9;
    let with_from = width >= fixed + 1 + FROM_MIN;
    let mut header = vec!["role"];
    header.extend(&HEADERS[..privileges]);
    header.push("rls");
    let mut widths = vec![Constraint::Length(role_width)];
    widths.extend(std::iter::repeat_n(Constraint::Length(3), privileges));
    widths.push(Constraint::Length(8));
    if with_from {
        header.push("from");
        widths.push(Constraint::Fill(1));
    }
    let rows = access
        .iter()
        .map(|a| {
            let mut cells = vec![Cell::from(shown(&a.role))];
            cells.extend(a.held[..privileges].iter().map(|h| Cell::from(mark(a, h))));
            cells.push(Cell::from(rls(a)));
            if with_from {
                cells.push(Cell::from(from(a)));
            }
            let style = if open && api_client(&a.role) && a.any() {
                theme.critical
            } else {
                Style::default()
            };
            Row::new(cells).style(style)
        })
        .collect();
    let mut caption = String::from("✓ table · c columns · Space: a role in full");
    let superusers: Vec<&str> = catalog.superusers().collect();
    if !superusers.is_empty() {
        let names = shown(&superusers.join(", "));
        caption.push_str(&format!(" · superusers hold all: {names}"));
    }
    if catalog.migrations.is_some() {
        caption.push_str(" · migrations do not say who belongs to which role");
    }
    TabTable {
        header,
        widths,
        rows,
        caption: Some(caption),
        footer: defaults_footer(catalog, r),
    }
}

/// What the next table like this one will grant, per grantee (`ALTER DEFAULT
/// PRIVILEGES`): on Supabase, `anon` getting everything on every new table shows here
/// before the table exists.
fn defaults_footer(catalog: &Catalog, r: &Relation) -> Option<String> {
    let mut by_grantee: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for d in (catalog.default_privileges.iter()).filter(|d| d.covers_tables_like(r)) {
        let held = by_grantee.entry(d.grantee.as_str()).or_default();
        held.extend(d.privileges.iter().map(String::as_str));
    }
    if by_grantee.is_empty() {
        return None;
    }
    let grants: Vec<String> = by_grantee
        .into_iter()
        .map(|(grantee, held)| {
            // The seven privileges every supported major grants read as ALL.
            let all = TABLE_PRIVILEGES[..7].iter().all(|p| held.contains(p));
            let held = if all {
                "ALL".to_string()
            } else {
                // In TABLE_PRIVILEGES' order, each once however many entries grant it.
                let held: Vec<&str> = TABLE_PRIVILEGES
                    .iter()
                    .copied()
                    .filter(|p| held.contains(p))
                    .collect();
                held.join(", ")
            };
            format!("{} {held}", shown(grantee))
        })
        .collect();
    Some(format!(
        "new tables here will grant: {}",
        grants.join(" · ")
    ))
}

/// The roles PostgREST runs a request as, and PUBLIC, which they all belong to.
fn api_client(role: &str) -> bool {
    matches!(role, "anon" | "authenticated" | "PUBLIC")
}

fn mark(a: &RoleAccess, h: &Held) -> &'static str {
    if a.holds_everything() || h.on_table() {
        "✓"
    } else if h.any() {
        "c"
    } else {
        "·"
    }
}

/// What row-level security leaves of the privileges, in eight columns.
pub(crate) fn rls(a: &RoleAccess) -> String {
    match a.rls {
        RlsEffect::Disabled => "off".into(),
        RlsEffect::Bypassed => "bypass".into(),
        RlsEffect::Policies(0) | RlsEffect::OnlyRestrictive(_) => "no rows".into(),
        RlsEffect::Policies(1) => "1 policy".into(),
        RlsEffect::Policies(n) => format!("{n} pol."),
    }
}

/// Where the role's privileges come from: ownership, superuser, or the grants' sources.
pub(crate) fn from(a: &RoleAccess) -> String {
    if a.owner {
        return "owner".into();
    }
    if a.superuser {
        return "superuser".into();
    }
    let mut sources: Vec<String> = a
        .held
        .iter()
        .flat_map(|h| h.table.iter().chain(h.columns.iter().map(|(_, s)| s)))
        .map(|s| s.label())
        .collect();
    sources.sort();
    sources.dedup();
    if sources.is_empty() {
        return "no privileges".into();
    }
    shown(&sources.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TABLE_PRIVILEGES;

    #[test]
    fn headers_name_every_privilege() {
        assert_eq!(HEADERS.len(), TABLE_PRIVILEGES.len());
    }
}
