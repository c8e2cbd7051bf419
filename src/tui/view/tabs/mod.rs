//! One file per tab of the detail pane. A tab that lists rows (columns, indexes, ...)
//! returns a [`TabTable`] that [`draw`] puts on screen; the others render themselves.
//! Adding a tab: a `Tab` variant, its rows in `tui::model::detail_rows`, a file here, and
//! its arm in `view::detail`.

pub mod columns;
pub mod constraints;
pub mod definition;
pub mod findings;
pub mod grants;
pub mod indexes;
pub mod policies;
pub mod relationships;
pub mod triggers;
pub mod usage;

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::widgets::{Paragraph, Row, Table};
use ratatui::Frame;

use super::widgets::ViewState;
use crate::tui::theme::Theme;

/// A tab's rows as a table: its header, column widths, rows, and a line above it.
pub struct TabTable<'a> {
    pub header: Vec<&'static str>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Row<'a>>,
    /// Shown above the table (the RLS state, a hint).
    pub caption: Option<String>,
}

/// The widths a table of `width` columns gives its columns (with one column of spacing, as
/// [`draw`] lays them out), so that text can be cut to them with an ellipsis instead of
/// being clipped.
pub fn column_widths(width: u16, constraints: &[Constraint]) -> Vec<usize> {
    Layout::horizontal(constraints.iter().copied())
        .spacing(1)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| usize::from(r.width))
        .collect()
}

/// Draws a tab's table, "(none)" when it has no rows.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    table: TabTable<'_>,
    view: &mut ViewState,
    theme: &Theme,
) {
    let mut table_area = area;
    if let Some(text) = table.caption {
        let split = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(1), Constraint::Min(1)])
            .split(area);
        let text = crate::tui::view::widgets::fit(&text, usize::from(area.width));
        frame.render_widget(Paragraph::new(text).style(theme.accent), split[0]);
        table_area = split[1];
    }
    if table.rows.is_empty() {
        frame.render_widget(Paragraph::new("(none)").style(theme.muted), table_area);
        return;
    }
    let table = Table::new(table.rows, table.widths)
        .header(Row::new(table.header).style(theme.header))
        .row_highlight_style(theme.selection)
        .column_spacing(1);
    frame.render_stateful_widget(table, table_area, &mut view.detail);
}
