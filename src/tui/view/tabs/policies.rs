//! The Policies tab: each policy's name, command, mode and roles, and on wide panes its
//! conditions, under the table's row-level security state as psql's `\d` reads it. Names
//! that do not fit lose their middle, not their end: a dozen policies that start alike
//! ("Give members access to team folders in ...") still read apart. Enter shows the
//! selected policy in full.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::Relation;
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::{fit, fit_middle, shown};

/// Below this width the conditions are left to the full view (Enter).
const CONDITIONS_FROM: u16 = 100;

pub fn table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    width: u16,
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    let width = usize::from(width);
    let roles: Vec<String> = r
        .policies
        .iter()
        .map(|p| shown(&p.roles.join(", ")))
        .collect();
    let roles_width = roles
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(5, 24);
    let conditions = width >= usize::from(CONDITIONS_FROM);
    // mark, command (6), mode (5), roles, and the four spaces between those five.
    let fixed = 1 + 6 + 5 + roles_width + 4;
    let rest = width.saturating_sub(fixed);
    let names: Vec<String> = r.policies.iter().map(|p| shown(&p.name)).collect();
    let widest_name = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let name_width = if conditions {
        widest_name.min(rest * 2 / 5)
    } else {
        rest
    };
    let condition_width = rest.saturating_sub(name_width + 2) / 2;
    let shared = (widest_name > name_width)
        .then(|| shared_start(&names))
        .flatten();
    let mut header = vec!["", "name", "cmd", "mode", "roles"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(name_width as u16),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(roles_width as u16),
    ];
    if conditions {
        header.extend(["using", "with check"]);
        widths.extend([
            Constraint::Length(condition_width as u16),
            Constraint::Length(condition_width as u16),
        ]);
    }
    let body = r
        .policies
        .iter()
        .zip(rows)
        .zip(&roles)
        .zip(&names)
        .map(|(((p, row), roles), name)| {
            let name = match &shared {
                Some(start) => format!("…{}", &name[start.len()..]),
                None => name.clone(),
            };
            let mut cells = vec![
                mark(row),
                Cell::from(fit_middle(&name, name_width)),
                Cell::from(p.command.sql()),
                Cell::from(if p.permissive { "perm" } else { "restr" }),
                Cell::from(fit(roles, roles_width)),
            ];
            if conditions {
                let condition =
                    |c: &Option<String>| fit(c.as_deref().unwrap_or("-"), condition_width);
                cells.push(Cell::from(condition(&p.using)));
                cells.push(Cell::from(condition(&p.with_check)));
            }
            Row::new(cells)
        })
        .collect();
    let state = crate::tui::doc::row::rls_state(r);
    let caption = match &shared {
        Some(start) => format!("{state} · names start “{}…”", start.trim_end()),
        None if !conditions => format!("{state} · Enter shows a policy in full"),
        None => state,
    };
    TabTable {
        header,
        widths,
        rows: body,
        caption: Some(fit(&caption, width)),
        footer: None,
    }
}

/// The words all of several names start with, when they are long enough (12 characters
/// or more) that cutting the names would leave only them: `Give members access to team
/// folders in ` for `... in team-files (select)`, `... in team-avatars (delete)`, or
/// `workspace_members_` for `workspace_members_select_own`, `..._delete_admin`.
fn shared_start(names: &[String]) -> Option<String> {
    let (first, others) = names.split_first()?;
    if others.len() < 2 {
        return None;
    }
    let mut end = first.len();
    for n in others {
        end = end.min(
            first
                .char_indices()
                .zip(n.chars())
                .find(|((_, a), b)| a != b)
                .map_or(first.len().min(n.len()), |((i, _), _)| i),
        );
    }
    // Back to the end of a word, so no name is cut inside one: a space, or the `_` of a
    // snake_case name (`tenant_members_select_own`, `tenant_members_update_admin`).
    let end = first[..end].rfind([' ', '_']).map(|i| i + 1)?;
    (end >= 12).then(|| first[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::shared_start;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn shared_starts_end_at_a_word_boundary() {
        let storage = names(&[
            "Give members access to team folders in team-files (select)",
            "Give members access to team folders in team-avatars (delete)",
            "Give members access to team folders in team-docs (insert)",
        ]);
        assert_eq!(
            shared_start(&storage).as_deref(),
            Some("Give members access to team folders in ")
        );
        let snake = names(&[
            "workspace_members_select_own",
            "workspace_members_update_admin",
            "workspace_members_delete_admin",
        ]);
        assert_eq!(shared_start(&snake).as_deref(), Some("workspace_members_"));
        // Too short to be worth saying once, or only two names.
        assert_eq!(shared_start(&names(&["read_a", "read_b", "read_c"])), None);
        assert_eq!(shared_start(&snake[..2]), None);
    }
}
