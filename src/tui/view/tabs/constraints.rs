//! The Constraints tab: name, kind, definition as the server prints it, and validity.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::{ConstraintKind, Relation};
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::shown;

pub fn table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    TabTable {
        header: vec!["", "name", "kind", "definition", "valid"],
        widths: vec![
            Constraint::Length(1),
            Constraint::Fill(2),
            Constraint::Length(11),
            Constraint::Fill(5),
            Constraint::Length(5),
        ],
        rows: r
            .constraints
            .iter()
            .zip(rows)
            .map(|(c, row)| {
                Row::new(vec![
                    mark(row),
                    Cell::from(shown(&c.name)),
                    Cell::from(constraint_kind(c.kind)),
                    Cell::from(shown(&c.definition)),
                    Cell::from(if c.validated { "yes" } else { "NO" }),
                ])
            })
            .collect(),
        caption: None,
    }
}

fn constraint_kind(kind: ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::PrimaryKey => "primary key",
        ConstraintKind::Unique => "unique",
        ConstraintKind::ForeignKey => "foreign key",
        ConstraintKind::Check => "check",
        ConstraintKind::Exclusion => "exclusion",
        ConstraintKind::NotNull => "not null",
    }
}
