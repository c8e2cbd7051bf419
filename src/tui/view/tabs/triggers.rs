//! The Triggers tab: timing, events, level, function and whether the trigger fires.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::{Relation, TriggerEnabled};
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
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Length(9),
        Constraint::Fill(2),
        Constraint::Length(8),
    ];
    let w = super::column_widths(width, &widths);
    TabTable {
        header: vec!["", "name", "when", "events", "level", "function", "enabled"],
        widths,
        rows: r
            .triggers
            .iter()
            .zip(rows)
            .map(|(t, row)| {
                let events: Vec<String> = t
                    .events
                    .iter()
                    .map(|e| format!("{e:?}").to_uppercase())
                    .collect();
                Row::new(vec![
                    mark(row),
                    Cell::from(fit_middle(&t.name, w[1])),
                    Cell::from(format!("{:?}", t.timing).to_uppercase()),
                    Cell::from(fit(&events.join(" OR "), w[3])),
                    Cell::from(format!("{:?}", t.level).to_uppercase()),
                    Cell::from(fit_middle(&t.function.to_string(), w[5])),
                    Cell::from(match t.enabled {
                        TriggerEnabled::Origin => "yes",
                        TriggerEnabled::Disabled => "NO",
                        TriggerEnabled::Replica => "replica",
                        TriggerEnabled::Always => "always",
                    }),
                ])
            })
            .collect(),
        caption: None,
        footer: None,
    }
}
