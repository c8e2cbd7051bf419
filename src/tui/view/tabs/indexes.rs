//! The Indexes tab: keys, method, predicate and INCLUDE, size and scans.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::Relation;
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::{fit, fit_middle, widest};

/// The Indexes tab. The WHERE / INCLUDE, size and scans columns appear only when some
/// index has something to show in them (a snapshot without statistics has no sizes).
pub fn table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    width: u16,
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    let names: Vec<String> = r
        .indexes
        .iter()
        .map(|i| {
            let mut name = i.name.clone();
            if i.primary {
                name.push_str(" (pk)");
            } else if i.unique {
                name.push_str(" (unique)");
            }
            if !i.valid {
                name.push_str(" INVALID");
            }
            name
        })
        .collect();
    let show_extra = r
        .indexes
        .iter()
        .any(|i| i.predicate.is_some() || !i.include.is_empty());
    let show_size = r.indexes.iter().any(|i| i.size_bytes.is_some());
    let show_scans = r.indexes.iter().any(|i| i.scans.is_some());
    let mut header = vec!["", "name", "method", "keys"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(widest(names.iter().map(String::as_str), 4, 40)),
        Constraint::Length(6),
        Constraint::Fill(3),
    ];
    if show_extra {
        header.push("where / include");
        widths.push(Constraint::Fill(2));
    }
    if show_size {
        header.push("size");
        widths.push(Constraint::Length(9));
    }
    if show_scans {
        header.push("scans");
        widths.push(Constraint::Length(8));
    }
    let w = super::column_widths(width, &widths);
    let body = r
        .indexes
        .iter()
        .zip(names)
        .zip(rows)
        .map(|((i, name), row)| {
            // As CREATE INDEX writes them: a collation or operator class other than the
            // default shows (`name COLLATE "C" text_pattern_ops`), as psql's \d does.
            let keys: Vec<String> = i.keys.iter().map(crate::sql::index::key).collect();
            let mut cells = vec![
                mark(row),
                Cell::from(fit_middle(&name, w[1])),
                Cell::from(i.method.clone()),
                Cell::from(fit(&keys.join(", "), w[3])),
            ];
            if show_extra {
                cells.push(Cell::from(fit(
                    &match (&i.predicate, i.include.is_empty()) {
                        (Some(p), _) => format!("WHERE {p}"),
                        (None, false) => format!("INCLUDE {}", i.include.join(", ")),
                        _ => String::new(),
                    },
                    w[4],
                )));
            }
            if show_size {
                cells.push(Cell::from(
                    i.size_bytes
                        .map(crate::cleanup::evidence::human_bytes)
                        .unwrap_or_default(),
                ));
            }
            if show_scans {
                cells.push(Cell::from(
                    i.scans.map(|s| s.to_string()).unwrap_or_default(),
                ));
            }
            Row::new(cells)
        })
        .collect();
    TabTable {
        header,
        widths,
        rows: body,
        caption: None,
        footer: None,
    }
}
