//! The right pane: the selected object's tabs. Rows that a finding points at carry its
//! severity mark; the Findings tab shows each finding with its rationale and fix SQL.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};
use ratatui::Frame;

use super::tabs;
use super::widgets::{pane, row_mark, severity_mark, shown, ViewState};
use crate::model::{ObjectId, Relation, UserType};
use crate::tui::model::{detail_rows, DetailRow, Model};
use crate::tui::state::{App, Focus, Overlay};
use crate::tui::tab::Tab;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, view: &mut ViewState, theme: &Theme) {
    let focused = app.focus == Focus::Detail && matches!(app.overlay, Overlay::None);
    let (Some(model), Some(id)) = (&app.model, app.selected_object()) else {
        let block = pane(false, theme);
        match &app.model {
            Some(model) => {
                super::summary::render(frame, area, block, model, &app.source_label, theme)
            }
            None => frame.render_widget(block, area),
        }
        return;
    };
    let name = format!(" {} ", shown(&id.label()));
    // The kind gives way to the name, with an ellipsis where it is cut.
    let room = usize::from(area.width).saturating_sub(name.chars().count() + 4);
    let block = pane(focused, theme).title(Line::from(vec![
        severity_mark(model.worst(id), theme),
        Span::styled(name, theme.title),
        Span::styled(
            super::widgets::fit(&kind_label(model, id), room),
            theme.muted,
        ),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The update scrolls the Definition tab against the same body.
    let tab_line = Rect::new(inner.x, inner.y, inner.width, inner.height.min(1));
    let body = super::detail_body(area);
    let count = model.findings_of(id).len();
    let long: Vec<String> = Tab::ALL
        .iter()
        .map(|t| match t {
            Tab::Findings => format!("{} {} {count}", t.key(), t.title()),
            _ => format!("{} {}", t.key(), t.title()),
        })
        .collect();
    // Full titles when they fit (padded, with dividers), then short ones padded, then short
    // ones unpadded, then numbers with the open tab's name.
    let width = usize::from(tab_line.width);
    let cost = |titles: &[String], pad: usize| {
        titles
            .iter()
            .map(|t| t.chars().count() + pad + 1)
            .sum::<usize>()
    };
    let short: Vec<String> = Tab::ALL
        .iter()
        .map(|t| match t {
            Tab::Findings => format!("{} {} {count}", t.key(), t.short()),
            _ => format!("{} {}", t.key(), t.short()),
        })
        .collect();
    let (titles, padded) = if cost(&long, 2) <= width {
        (long, true)
    } else if cost(&short, 2) <= width {
        (short, true)
    } else if cost(&short, 0) <= width {
        (short, false)
    } else {
        let numbers = Tab::ALL
            .iter()
            .map(|t| {
                if *t == app.tab {
                    format!("{} {}", t.key(), t.short())
                } else {
                    t.key().to_string()
                }
            })
            .collect();
        (numbers, true)
    };
    let titles: Vec<Line<'_>> = titles.into_iter().map(Line::from).collect();
    let selected_tab = Tab::ALL.iter().position(|t| *t == app.tab).unwrap_or(0);
    let tabs = Tabs::new(titles)
        .select(selected_tab)
        .style(theme.muted)
        .highlight_style(theme.selection)
        .divider("│");
    let tabs = if padded { tabs } else { tabs.padding("", "") };
    frame.render_widget(tabs, tab_line);
    let rows = detail_rows(model, id, app.tab);
    view.detail.select(if rows.is_empty() {
        None
    } else {
        Some(app.row.min(rows.len() - 1))
    });
    match (app.tab, id) {
        (Tab::Findings, _) => {
            tabs::findings::render(frame, body, model, &rows, app.row, view, theme)
        }
        (Tab::Definition, _) => {
            tabs::definition::render(frame, body, model, id, &app.definition_scroll, theme)
        }
        (Tab::Usage, ObjectId::Relation(q)) => match model.relation(q) {
            Some(r) => tabs::usage::render(frame, body, model, &app.plan, r, &rows, view, theme),
            None => frame.render_widget(Paragraph::new("gone since the last load"), body),
        },
        (tab, ObjectId::Relation(q)) => match model.relation(q) {
            Some(r) => relation_tab(frame, body, model, r, tab, &rows, app.row, view, theme),
            None => frame.render_widget(Paragraph::new("gone since the last load"), body),
        },
        _ => frame.render_widget(
            Paragraph::new("Not applicable to this object: see Definition and Findings.")
                .style(theme.muted),
            body,
        ),
    }
}

fn kind_label(model: &Model, id: &ObjectId) -> String {
    match id {
        ObjectId::Relation(q) => model
            .catalog
            .relation(&q.schema, &q.name)
            .map(|r| {
                let rows = r
                    .stats
                    .as_ref()
                    .and_then(|s| s.estimated_rows)
                    .map(|n| format!(", ~{} rows", crate::cleanup::evidence::human_count(n)))
                    .unwrap_or_default();
                // A partition says whose: `partition of public.events`.
                let kind = match &r.partition_of {
                    Some(p) => format!("partition of {}", p.parent),
                    None => r.kind.label().to_string(),
                };
                format!("{kind}{rows}")
            })
            .unwrap_or_default(),
        ObjectId::Function { .. } => "function".into(),
        ObjectId::Extension { .. } => "extension".into(),
        ObjectId::Type { schema, name } => match model.catalog.user_type(schema, name) {
            Some(UserType::Enum(e)) => format!("enum, {} values", e.labels.len()),
            Some(UserType::Composite(c)) => format!("composite, {} attributes", c.attributes.len()),
            Some(UserType::Domain(_)) | None => "domain".into(),
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn relation_tab(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    r: &Relation,
    tab: Tab,
    rows: &[DetailRow],
    selected: usize,
    view: &mut ViewState,
    theme: &Theme,
) {
    let mark = |row: &DetailRow| row_mark(model, row, theme);
    let table = match tab {
        Tab::Columns => tabs::columns::table(&model.catalog, r, rows, selected, area.width, &mark),
        Tab::Indexes => tabs::indexes::table(r, rows, area.width, &mark),
        Tab::Constraints => tabs::constraints::table(r, rows, area.width, &mark),
        Tab::Policies => tabs::policies::table(r, rows, area.width, &mark),
        Tab::Grants => tabs::grants::table(&model.catalog, r, area.width, theme),
        Tab::Triggers => tabs::triggers::table(r, rows, area.width, &mark),
        Tab::Relationships => tabs::relationships::table(model, r, area.width),
        Tab::Usage | Tab::Findings | Tab::Definition => return,
    };
    tabs::draw(frame, area, table, view, theme);
}
