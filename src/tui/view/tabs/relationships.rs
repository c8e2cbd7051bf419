//! The Relationships tab: what the table references, what references it, views that read
//! it and references implied by column names; Enter jumps to the other object.

use ratatui::layout::Constraint;
use ratatui::widgets::{Cell, Row};

use super::TabTable;
use crate::model::Relation;
use crate::tui::model::{relationships, Model};
use crate::tui::view::widgets::fit;

pub fn table<'a>(model: &Model, r: &Relation, width: u16) -> TabTable<'a> {
    let rels = relationships(model, &r.qualified_name());
    let widths = vec![
        Constraint::Length(1),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let object = super::column_widths(width, &widths)[2];
    TabTable {
        header: vec!["", "relationship", "object"],
        rows: rels
            .iter()
            .map(|rel| {
                Row::new(vec![
                    Cell::from("→"),
                    Cell::from(rel.kind.label()),
                    Cell::from(fit(&rel.label, object)),
                ])
            })
            .collect(),
        widths,
        caption: Some("Enter: jump there · Space: in full · Backspace: back".into()),
        footer: None,
    }
}
