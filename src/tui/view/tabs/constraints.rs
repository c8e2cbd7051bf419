//! The Constraints tab: name, kind, definition as the server prints it, and validity.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::Relation;
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::{fit, fit_middle};

pub fn table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    width: u16,
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    let widths = vec![
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Length(11),
        Constraint::Fill(5),
        Constraint::Length(5),
    ];
    let w = super::column_widths(width, &widths);
    TabTable {
        header: vec!["", "name", "kind", "definition", "valid"],
        widths,
        rows: r
            .constraints
            .iter()
            .zip(rows)
            .map(|(c, row)| {
                Row::new(vec![
                    mark(row),
                    Cell::from(fit_middle(&c.name, w[1])),
                    Cell::from(c.kind.label()),
                    Cell::from(fit(&c.definition, w[3])),
                    Cell::from(if c.validated { "yes" } else { "NO" }),
                ])
            })
            .collect(),
        caption: None,
        footer: None,
    }
}
