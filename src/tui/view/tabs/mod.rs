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
    /// Shown under the table (what the selected row's cells could not hold).
    pub footer: Option<String>,
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
    // Caption and footer wrap (to 2 and 3 lines) where the pane leaves the table room,
    // so a comment or a default grant reads whole at 80 columns.
    let roomy = area.height >= 10;
    let caption = table
        .caption
        .map(|t| wrapped(&t, area.width, if roomy { 2 } else { 1 }))
        .unwrap_or_default();
    let footer = table
        .footer
        .filter(|_| area.height >= 6)
        .map(|t| wrapped(&t, area.width, if roomy { 3 } else { 1 }))
        .unwrap_or_default();
    let [caption_area, table_area, footer_area] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(caption.len() as u16),
            Constraint::Min(1),
            Constraint::Length(footer.len() as u16),
        ])
        .areas(area);
    frame.render_widget(
        Paragraph::new(caption.join("\n")).style(theme.accent),
        caption_area,
    );
    frame.render_widget(
        Paragraph::new(footer.join("\n")).style(theme.muted),
        footer_area,
    );
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

/// Text from the schema wrapped to `width`, at most `lines` lines, the last cut with an
/// ellipsis when more would follow.
fn wrapped(text: &str, width: u16, lines: usize) -> Vec<String> {
    use crate::tui::view::widgets::{fit, shown};
    let width = usize::from(width);
    let mut out = crate::tui::doc::wrap(&shown(text), width, 2);
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            *last = fit(&format!("{last}…"), width);
        }
    }
    out
}
