//! The cleanup review's screens: the Usage tab (evidence, plan decision, dependents), the
//! sortable table list, and the mark prompt.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use super::widgets::{bytes, centred, count, fit, pane, severity_mark, shown, ViewState};
use crate::cleanup::evidence::{age_words, short_time};
use crate::cleanup::Plan;
use crate::model::{ObjectId, Relation, TableStats};
use crate::tui::model::Model;
use crate::tui::state::{App, MarkPrompt, MarkStage, TablesView};
use crate::tui::theme::Theme;

/// The table list: every listed table with its evidence and decision, sorted.
pub fn tables(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    tv: &TablesView,
    view: &mut ViewState,
    theme: &Theme,
) {
    frame.render_widget(Clear, area);
    let Some(model) = &app.model else { return };
    let arrow = if tv.descending { "↓" } else { "↑" };
    let window = model
        .catalog
        .meta
        .statistics_window()
        .map(|(a, at_least)| {
            let least = if at_least { "at least " } else { "" };
            format!(" · statistics: {least}{}", age_words(a))
        })
        .unwrap_or_default();
    let filter = match (tv.typing, tv.filter.text()) {
        (true, text) => format!(" · filter: {}▏", shown(text)),
        (false, "") => " · / filter".to_string(),
        (false, text) => format!(" · filter: {} (Esc clears)", shown(text)),
    };
    let title = format!(
        " tables: {} · sorted by {} {arrow} (o next, O reverse){window}{filter} · m mark · E export · Esc closes ",
        tv.order.len(),
        tv.sort.label(),
    );
    let block = pane(true, theme).title(Span::styled(
        fit(&title, usize::from(area.width.saturating_sub(2))),
        theme.title,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Dates need room: both at 120 columns and up, the last vacuum alone from 96, none below.
    let dates: usize = match inner.width {
        w if w >= 118 => 2,
        w if w >= 96 => 1,
        _ => 0,
    };
    // Uses in code, when it was searched.
    let refs = model.catalog.code.is_some();
    // Time in recorded statements, when the workload was read.
    let workload = model.workload();
    // The decision column waits for a first decision on a narrow screen, where the names
    // need the room more.
    let decisions = !app.plan.marks.is_empty() || inner.width >= 90;
    let fixed = 1
        + 7
        + 9
        + 7
        + 7
        + 4
        + 12 * usize::from(decisions)
        + 17 * dates
        + 8
        + 6 * usize::from(refs)
        + 9 * usize::from(workload.is_some());
    let name_width = usize::from(inner.width).saturating_sub(fixed).max(12);
    // Below the header; only these rows are built.
    let height = usize::from(inner.height.saturating_sub(1));
    // Tables gone since the list was sorted (a reload) are dropped before the window is
    // placed, so the highlight stays on the selected row.
    let listed: Vec<&Relation> = tv.order.iter().filter_map(|q| model.relation(q)).collect();
    let (offset, mut on_screen) =
        super::widgets::window(&mut view.tables, tv.selected, listed.len(), height);
    let rows: Vec<Row<'_>> = listed
        .iter()
        .skip(offset)
        .take(height)
        .map(|r| {
            let columns = Columns {
                name_width,
                dates,
                refs,
                workload,
                decisions,
            };
            table_row(model, &app.plan, r, &columns, theme)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    let mut header = vec!["", "table", "rows", "size", "reads", "writes"];
    for name in ["vacuumed", "analyzed"].into_iter().take(dates) {
        widths.push(Constraint::Length(16));
        header.push(name);
    }
    widths.push(Constraint::Length(4));
    header.push("deps");
    if refs {
        widths.push(Constraint::Length(5));
        header.push("uses");
    }
    if workload.is_some() {
        widths.push(Constraint::Length(8));
        header.push("time");
    }
    if decisions {
        widths.push(Constraint::Length(11));
        header.push("decision");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header))
        .row_highlight_style(theme.selection)
        .column_spacing(1);
    frame.render_stateful_widget(table, inner, &mut on_screen);
}

/// The optional columns of the table list, and the name column's width.
struct Columns<'a> {
    name_width: usize,
    dates: usize,
    refs: bool,
    workload: Option<&'a crate::model::workload::Workload>,
    decisions: bool,
}

fn table_row<'a>(
    model: &Model,
    plan: &Plan,
    r: &Relation,
    columns: &Columns<'_>,
    theme: &Theme,
) -> Row<'a> {
    let (width, dates, refs) = (columns.name_width, columns.dates, columns.refs);
    let q = r.qualified_name();
    let s = r.stats.as_ref();
    let a = s.and_then(TableStats::activity);
    let when = |f: fn(&TableStats) -> Option<String>| {
        s.and_then(f)
            .map(|t| short_time(&t))
            .unwrap_or_else(|| "-".into())
    };
    let decision = plan.mark(&q).map(|m| m.decision.tag()).unwrap_or("");
    let mut cells = vec![
        Cell::from(severity_mark(
            model.worst(&ObjectId::Relation(q.clone())),
            theme,
        )),
        Cell::from(fit(&q.to_string(), width)),
        Cell::from(count(s.and_then(|s| s.estimated_rows))),
        Cell::from(bytes(s.and_then(|s| s.total_bytes))),
        Cell::from(count(a.map(|a| a.reads))),
        Cell::from(count(a.map(|a| a.writes))),
    ];
    let date_columns: [fn(&TableStats) -> Option<String>; 2] =
        [TableStats::last_vacuum, TableStats::last_analyze];
    cells.extend(
        date_columns
            .into_iter()
            .take(dates)
            .map(|f| Cell::from(when(f))),
    );
    cells.push(Cell::from(model.dependents().count_outside(&q).to_string()));
    if refs {
        // A table the scan did not look for (the platform's) shows `-`, not 0.
        let uses = model.catalog.code.as_ref().and_then(|c| c.uses_of(&q));
        cells.push(Cell::from(match uses {
            Some(0) => Span::styled("0", theme.warning),
            Some(n) => Span::styled(n.to_string(), theme.muted),
            None => Span::styled("-", theme.muted),
        }));
    }
    if let Some(w) = columns.workload {
        cells.push(Cell::from(match w.time_on(&q) {
            Some(ms) => Span::raw(crate::model::workload::duration(ms)),
            None => Span::styled("-", theme.muted),
        }));
    }
    if columns.decisions {
        cells.push(Cell::from(Span::styled(decision, theme.accent)));
    }
    Row::new(cells)
}

/// The mark prompt: choose a decision, then (for a merge) the target, then a note.
pub fn mark(frame: &mut Frame<'_>, size: Rect, prompt: &MarkPrompt, theme: &Theme) {
    let area = centred(size, 80, 5);
    frame.render_widget(Clear, area);
    let width = usize::from(area.width.saturating_sub(2));
    let decided = prompt
        .decision
        .as_ref()
        .map(|d| format!(": {}", d.label()))
        .unwrap_or_default();
    let mut text = vec![Line::styled(
        fit(&format!("{}{decided}", prompt.table), width),
        theme.muted,
    )];
    let input = |label: &'static str| {
        Line::from(vec![
            Span::styled(label, theme.accent),
            Span::raw(shown(&prompt.input)),
            Span::styled("▏", theme.accent),
        ])
    };
    match prompt.stage {
        MarkStage::Choose => {
            text.push(Line::from(vec![
                Span::styled("k", theme.accent),
                Span::raw(" keep  "),
                Span::styled("d", theme.accent),
                Span::raw(" drop  "),
                Span::styled("m", theme.accent),
                Span::raw(" merge into…  "),
                Span::styled("i", theme.accent),
                Span::raw(" investigate  "),
                Span::styled("x", theme.accent),
                Span::raw(" remove from plan"),
            ]));
            text.push(Line::styled("Esc cancels", theme.muted));
        }
        MarkStage::Target => {
            text.push(input("merge into: "));
            text.push(Line::styled(
                "schema.table (or a table in the same schema) · Enter next · Esc cancels",
                theme.muted,
            ));
        }
        MarkStage::Note => {
            text.push(input("note: "));
            text.push(Line::styled(
                "why (optional) · Enter saves to the plan file · Esc cancels",
                theme.muted,
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(text)
            .block(pane(true, theme).title(Span::styled(" cleanup plan ", theme.title))),
        area,
    );
}
