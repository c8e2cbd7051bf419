//! The Findings tab: the object's findings, and the selected one in full below them.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::tui::model::{DetailRow, Model};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{finding_card, finding_style, fit, severity_mark, ViewState};

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    rows: &[DetailRow],
    selected: usize,
    view: &mut ViewState,
    theme: &Theme,
) {
    if rows.is_empty() {
        frame.render_widget(Paragraph::new("No findings.").style(theme.clean), area);
        return;
    }
    let split = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(40), Constraint::Min(3)])
        .split(area);
    let width = usize::from(split[0].width.saturating_sub(4));
    let list: Vec<Row<'_>> = rows
        .iter()
        .filter_map(|r| r.findings.first())
        .map(|i| {
            let f = &model.findings[*i];
            let style = finding_style(f, theme);
            Row::new(vec![
                Cell::from(severity_mark(Some(f.severity), theme)),
                Cell::from(fit(&f.message, width)).style(style),
            ])
        })
        .collect();
    let table = Table::new(list, [Constraint::Length(1), Constraint::Fill(1)])
        .row_highlight_style(theme.selection);
    frame.render_stateful_widget(table, split[0], &mut view.detail);
    if let Some(i) = rows.get(selected).and_then(|r| r.findings.first()) {
        finding_card(frame, split[1], &model.findings[*i], theme);
    }
}
