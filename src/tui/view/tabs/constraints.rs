//! The Constraints tab: name, kind, definition as the server prints it, and validity.

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
                    Cell::from(c.kind.label()),
                    Cell::from(shown(&c.definition)),
                    Cell::from(if c.validated { "yes" } else { "NO" }),
                ])
            })
            .collect(),
        caption: None,
    }
}
