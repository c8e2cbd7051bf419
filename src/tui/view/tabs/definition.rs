//! The Definition tab: the object's SQL as pglens reconstructs it from the model, with
//! where an offline source defined it.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::model::ObjectId;
use crate::sql;
use crate::tui::model::Model;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{provenance_line, shown_lines, sql_line};

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, id: &ObjectId, theme: &Theme) {
    let text = match id {
        ObjectId::Relation(q) => model
            .catalog
            .relation(&q.schema, &q.name)
            .map(|r| provenance_comment(&r.provenance) + &sql::ddl::relation(r)),
        ObjectId::Function {
            schema,
            name,
            arguments,
        } => model
            .catalog
            .function(schema, name, arguments)
            .map(|f| provenance_comment(&f.provenance) + &sql::ddl::function(f)),
        ObjectId::Extension { name } => model
            .catalog
            .extensions
            .iter()
            .find(|e| &e.name == name)
            .map(|e| {
                format!(
                    "CREATE EXTENSION {} WITH SCHEMA {} VERSION {};\n{}",
                    sql::ident(&e.name),
                    sql::ident(&e.schema),
                    sql::literal(&e.installed_version),
                    sql::comment(&format!(
                        "available: {}",
                        e.default_version.as_deref().unwrap_or("unknown")
                    ))
                )
            }),
    }
    .unwrap_or_default();
    let text = shown_lines(&text);
    let lines: Vec<Line<'static>> = text.lines().map(|l| sql_line(l, theme)).collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// Where an object from migration files was defined and altered, as SQL comment lines:
/// `-- defined in supabase/migrations/012_x.sql:40, altered in 015_y.sql:7`.
pub fn provenance_comment(p: &crate::model::Provenance) -> String {
    let Some(line) = provenance_line(p) else {
        return String::new();
    };
    sql::comment(&line) + "\n"
}
