//! The row peek: the first rows of a table as a grid sized to its values, scrolled down by
//! row and sideways by column, with who read them and whether row security filtered them.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::widgets::{count, fit, pane, window, ViewState};
use crate::source::live::peek::{Peek, PEEK_ROWS, PEEK_TIMEOUT};
use crate::tui::doc::peek::NULL;
use crate::tui::state::{App, PeekRows, PeekView};
use crate::tui::theme::Theme;

/// The widest a column is drawn; a longer value is cut with `…` (Space shows it whole).
const COLUMN_MAX: usize = 40;
/// The narrowest, so a one-character column still shows its name's start.
const COLUMN_MIN: usize = 4;

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    pv: &PeekView,
    view: &mut ViewState,
    theme: &Theme,
) {
    frame.render_widget(Clear, area);
    let relation = app.model.as_ref().and_then(|m| m.relation(&pv.table));
    let estimate = relation
        .and_then(|r| r.stats.as_ref())
        .and_then(|s| s.estimated_rows);
    let rls_enabled = relation.is_some_and(|r| r.rls_enabled);
    let title = title(pv, estimate, rls_enabled);
    let width = usize::from(area.width.saturating_sub(2));
    let block = pane(true, theme).title(Span::styled(fit(&title, width), theme.title));
    let inner = block.inner(area);
    let peek = match &pv.rows {
        PeekRows::Loading => {
            let text = format!(
                "reading the first {PEEK_ROWS} rows of {} (read only, at most {} s)…",
                pv.table,
                PEEK_TIMEOUT.as_secs()
            );
            frame.render_widget(
                Paragraph::new(fit(&text, usize::from(inner.width)))
                    .style(theme.muted)
                    .block(block),
                area,
            );
            return;
        }
        PeekRows::Failed(message) => {
            frame.render_widget(
                Paragraph::new(super::widgets::shown(message))
                    .style(theme.error)
                    .wrap(Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        }
        PeekRows::Read(peek) => peek,
    };
    let block = block.title_bottom(Line::styled(place(pv, peek), theme.muted).right_aligned());
    frame.render_widget(block, area);
    if peek.rows.is_empty() {
        let text = if peek.rls_active {
            format!(
                "no rows that {} may see: row-level security filters this table",
                peek.user
            )
        } else {
            "the table is empty".to_string()
        };
        frame.render_widget(
            Paragraph::new(fit(&text, usize::from(inner.width))).style(theme.muted),
            inner,
        );
        return;
    }
    let columns = shown_columns(peek, pv.column, usize::from(inner.width));
    let header = Row::new(
        columns
            .iter()
            .map(|&(c, w)| Cell::from(fit(&peek.columns[c], w))),
    )
    .style(theme.header);
    let height = usize::from(inner.height.saturating_sub(1));
    let (offset, mut state) = window(&mut view.tables, pv.row, peek.rows.len(), height);
    let rows = peek.rows.iter().skip(offset).take(height).map(|row| {
        Row::new(columns.iter().map(|&(c, w)| match &row[c] {
            Some(v) => Cell::from(fit(v, w)),
            None => Cell::from(Span::styled(NULL, theme.muted)),
        }))
    });
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|&(_, w)| Constraint::Length(w as u16))
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection);
    frame.render_stateful_widget(table, inner, &mut state);
}

/// The title: what was read, as whom, and what row security did to it: a table with RLS
/// on read by a role it does not apply to (an owner, a superuser, BYPASSRLS) shows every
/// row, which is not what the app's users see.
fn title(pv: &PeekView, estimate: Option<i64>, rls_enabled: bool) -> String {
    let mut title = format!(" rows of {}", pv.table);
    if let PeekRows::Read(peek) = &pv.rows {
        let read = peek.rows.len();
        title.push_str(&match (peek.more, estimate) {
            (true, Some(n)) if n > read as i64 => format!(": first {read} of ~{}", count(Some(n))),
            (true, _) => format!(": first {read}"),
            (false, _) => format!(": all {read}"),
        });
        title.push_str(&format!(" · as {}", peek.user));
        if peek.rls_active {
            title.push_str(" · filtered by RLS");
        } else if rls_enabled {
            title.push_str(" · RLS not applied to this role");
        }
        if !peek.hidden.is_empty() {
            title.push_str(&format!(" · {} columns not readable", peek.hidden.len()));
        }
    }
    title.push_str(" · Esc closes ");
    title
}

/// Where the grid is and the keys that move it, for the bottom border.
fn place(pv: &PeekView, peek: &Peek) -> String {
    format!(
        " row {}/{} · column {}/{} · ←→ columns · Space row in full · r re-read ",
        pv.row + 1,
        peek.rows.len(),
        pv.column + 1,
        peek.columns.len()
    )
}

/// The columns from `first` on that fit in `width`, each as wide as its widest value or
/// name (within [`COLUMN_MIN`]..=[`COLUMN_MAX`]); the last one may be narrower to use the
/// room left, and the first is always shown, cut to the width if it must be.
fn shown_columns(peek: &Peek, first: usize, width: usize) -> Vec<(usize, usize)> {
    let mut shown = Vec::new();
    let mut left = width;
    for c in first..peek.columns.len() {
        let widest = peek
            .rows
            .iter()
            .map(|r| {
                r[c].as_deref()
                    .map_or(NULL.len(), |v| fit(v, COLUMN_MAX).chars().count())
            })
            .chain(std::iter::once(peek.columns[c].chars().count()))
            .max()
            .unwrap_or(0)
            .clamp(COLUMN_MIN, COLUMN_MAX);
        let spacing = usize::from(!shown.is_empty());
        if left < spacing + COLUMN_MIN.min(widest) && !shown.is_empty() {
            break;
        }
        let w = widest.min(left.saturating_sub(spacing));
        shown.push((c, w));
        left = left.saturating_sub(spacing + w);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peek(columns: &[&str], rows: &[&[Option<&str>]]) -> Peek {
        Peek {
            user: "app".into(),
            rls_active: false,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            hidden: Vec::new(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|v| v.map(str::to_string)).collect())
                .collect(),
            more: false,
        }
    }

    #[test]
    fn columns_are_sized_to_their_values_and_stop_at_the_edge() {
        let long = "x".repeat(90);
        let p = peek(
            &["id", "body", "created_at"],
            &[
                &[Some("1"), Some(&long), None],
                &[Some("22"), Some("b"), None],
            ],
        );
        // id: its name and values are shorter than the minimum; body: cut at the maximum;
        // created_at: its name, wider than [NULL].
        assert_eq!(shown_columns(&p, 0, 80), [(0, 4), (1, 40), (2, 10)]);
        // Not enough room for the third: it is drawn as wide as what is left.
        assert_eq!(shown_columns(&p, 0, 50), [(0, 4), (1, 40), (2, 4)]);
        assert_eq!(shown_columns(&p, 0, 46), [(0, 4), (1, 40)]);
        // Scrolled sideways: the first shown is the one scrolled to, cut to the room.
        assert_eq!(shown_columns(&p, 1, 20), [(1, 20)]);
    }
}
