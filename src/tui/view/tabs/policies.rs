//! The Policies tab: each policy's command, mode, roles and conditions, under the table's
//! row-level security state as psql's `\d` reads it.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::Relation;
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::shown;

pub fn table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    TabTable {
        header: vec![
            "",
            "name",
            "command",
            "mode",
            "roles",
            "using",
            "with check",
        ],
        widths: vec![
            Constraint::Length(1),
            Constraint::Fill(2),
            Constraint::Length(7),
            Constraint::Length(11),
            Constraint::Fill(1),
            Constraint::Fill(3),
            Constraint::Fill(3),
        ],
        rows: r
            .policies
            .iter()
            .zip(rows)
            .map(|(p, row)| {
                Row::new(vec![
                    mark(row),
                    Cell::from(shown(&p.name)),
                    Cell::from(p.command.sql()),
                    Cell::from(if p.permissive {
                        "permissive"
                    } else {
                        "restrictive"
                    }),
                    Cell::from(shown(&p.roles.join(", "))),
                    Cell::from(shown(p.using.as_deref().unwrap_or_default())),
                    Cell::from(shown(p.with_check.as_deref().unwrap_or_default())),
                ])
            })
            .collect(),
        caption: Some(rls_state(r)),
    }
}

/// RLS state the way psql's `\d` distinguishes it.
fn rls_state(r: &Relation) -> String {
    match (r.rls_enabled, r.rls_forced, r.policies.is_empty()) {
        (false, _, true) => "Row-level security disabled, no policies".into(),
        (false, _, false) => "Policies (row security disabled): defined but NOT enforced".into(),
        (true, false, true) => {
            "Policies (row security enabled): (none) - only the owner sees rows".into()
        }
        (true, true, true) => "Policies (forced row security enabled): (none)".into(),
        (true, false, false) => "Policies: row security enabled".into(),
        (true, true, false) => "Policies (forced row security enabled)".into(),
    }
}
