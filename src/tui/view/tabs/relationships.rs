//! The Relationships tab: what the table references, what references it, views that read
//! it and references implied by column names; Enter jumps to the other object.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::Relation;
use crate::tui::model::{relationships, Model};
use crate::tui::view::widgets::shown;

pub fn table<'a>(model: &Model, r: &Relation) -> TabTable<'a> {
    let rels = relationships(model, &r.qualified_name());
    TabTable {
        header: vec!["", "relationship", "object"],
        widths: vec![
            Constraint::Length(1),
            Constraint::Length(14),
            Constraint::Fill(1),
        ],
        rows: rels
            .iter()
            .map(|rel| {
                Row::new(vec![
                    Cell::from("→"),
                    Cell::from(rel.kind.label()),
                    Cell::from(shown(&rel.label)),
                ])
            })
            .collect(),
        caption: Some("Enter jumps to the other object; Backspace comes back.".into()),
    }
}
