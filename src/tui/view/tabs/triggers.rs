//! The Triggers tab: timing, events, level, function and whether the trigger fires.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::{Relation, TriggerEnabled};
use crate::tui::model::DetailRow;
use crate::tui::view::widgets::shown;

pub fn table<'a>(
    r: &'a Relation,
    rows: &[DetailRow],
    mark: &dyn Fn(&DetailRow) -> Cell<'a>,
) -> TabTable<'a> {
    TabTable {
        header: vec!["", "name", "when", "events", "level", "function", "enabled"],
        widths: vec![
            Constraint::Length(1),
            Constraint::Fill(2),
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Length(9),
            Constraint::Fill(2),
            Constraint::Length(8),
        ],
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
                    Cell::from(shown(&t.name)),
                    Cell::from(format!("{:?}", t.timing).to_uppercase()),
                    Cell::from(events.join(" OR ")),
                    Cell::from(format!("{:?}", t.level).to_uppercase()),
                    Cell::from(shown(&t.function.to_string())),
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
    }
}
