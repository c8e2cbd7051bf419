//! The cleanup review's screens: the Usage tab (evidence, plan decision, dependents), the
//! sortable table list, and the mark prompt.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use super::{fit, severity_mark, ViewState};
use crate::cleanup::evidence::{
    activity, age_words, human_bytes, human_count, last_analyze, last_vacuum, short_time,
    usage_summary,
};
use crate::cleanup::Plan;
use crate::model::{Catalog, ObjectId, Relation, TableStats};
use crate::tui::app::{App, DetailRow, Model};
use crate::tui::review::{MarkPrompt, MarkStage, TablesView};
use crate::tui::theme::Theme;

fn count(v: Option<i64>) -> String {
    v.map(human_count).unwrap_or_else(|| "?".into())
}

fn bytes(v: Option<i64>) -> String {
    v.map(human_bytes).unwrap_or_else(|| "?".into())
}

/// The evidence lines above the dependents table.
fn evidence_lines(
    catalog: &Catalog,
    plan: &Plan,
    r: &Relation,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("use      ", theme.muted),
        Span::styled(usage_summary(catalog, r), theme.accent),
    ])];
    if let Some(origin) = super::detail::provenance_line(&r.provenance) {
        lines.push(Line::from(vec![
            Span::styled("source   ", theme.muted),
            Span::raw(origin),
        ]));
    }
    if let Some(s) = &r.stats {
        lines.extend(stats_lines(s, theme));
    }
    let reset = match (&catalog.meta.stats_reset, catalog.meta.stats_age_seconds) {
        (Some(at), Some(age)) => format!("reset {} ({} ago)", short_time(at), age_words(age)),
        (None, _) => "never reset: counting since the server started".into(),
        (Some(at), None) => format!("reset {}", short_time(at)),
    };
    if r.stats.is_some() {
        lines.push(Line::from(vec![
            Span::styled("stats    ", theme.muted),
            Span::raw(reset),
        ]));
    }
    let decision = match plan.mark(&r.qualified_name()) {
        Some(m) if m.note.is_empty() => m.decision.label(),
        Some(m) => format!("{}: {}", m.decision.label(), m.note),
        None => "not decided (m marks it)".into(),
    };
    lines.push(Line::from(vec![
        Span::styled("plan     ", theme.muted),
        Span::raw(super::shown(&decision)),
    ]));
    lines
}

fn stats_lines(s: &TableStats, theme: &Theme) -> Vec<Line<'static>> {
    let when = |t: Option<String>| t.map(|t| short_time(&t)).unwrap_or_else(|| "never".into());
    let last_read = s
        .last_read
        .as_deref()
        .map(|t| format!(", last {}", short_time(t)))
        .unwrap_or_default();
    [
        (
            "rows     ",
            format!(
                "~{} (live {}, dead {})",
                count(s.estimated_rows),
                count(s.live_rows),
                count(s.dead_rows)
            ),
        ),
        (
            "size     ",
            format!(
                "{} (table {}, indexes {})",
                bytes(s.total_bytes),
                bytes(s.table_bytes),
                bytes(s.index_bytes)
            ),
        ),
        (
            "reads    ",
            format!(
                "{} sequential scans, {} index scans{last_read}",
                count(s.seq_scans),
                count(s.index_scans)
            ),
        ),
        (
            "writes   ",
            format!(
                "{} inserts, {} updates, {} deletes",
                count(s.inserts),
                count(s.updates),
                count(s.deletes)
            ),
        ),
        (
            "upkeep   ",
            format!(
                "vacuumed {}, analyzed {}",
                when(last_vacuum(s)),
                when(last_analyze(s))
            ),
        ),
    ]
    .into_iter()
    .map(|(label, text)| Line::from(vec![Span::styled(label, theme.muted), Span::raw(text)]))
    .collect()
}

/// The Usage tab: evidence, the plan's decision, then what depends on the table.
#[allow(clippy::too_many_arguments)]
pub fn usage_tab(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    plan: &Plan,
    r: &Relation,
    rows: &[DetailRow],
    view: &mut ViewState,
    theme: &Theme,
) {
    let lines = evidence_lines(&model.catalog, plan, r, theme);
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(lines.len() as u16 + 1),
            Constraint::Min(1),
        ])
        .split(area);
    frame.render_widget(Paragraph::new(lines), parts[0]);
    let deps = model.dependents.of(&r.qualified_name());
    if deps.is_empty() {
        frame.render_widget(
            Paragraph::new("nothing depends on it").style(theme.muted),
            parts[1],
        );
        return;
    }
    let body: Vec<Row<'_>> = deps
        .iter()
        .zip(rows)
        .map(|(d, _)| {
            let effect = if d.goes_with_table {
                "goes with it"
            } else if d.blocks_drop {
                "blocks DROP"
            } else {
                "breaks at run time"
            };
            Row::new(vec![
                Cell::from(if d.object == ObjectId::Relation(r.qualified_name()) {
                    " "
                } else {
                    "→"
                }),
                Cell::from(d.kind.label()),
                Cell::from(super::shown(&d.label)),
                Cell::from(Span::styled(
                    effect,
                    if d.blocks_drop {
                        theme.warning
                    } else {
                        theme.muted
                    },
                )),
            ])
        })
        .collect();
    let table = Table::new(
        body,
        [
            Constraint::Length(1),
            Constraint::Length(11),
            Constraint::Fill(1),
            Constraint::Length(18),
        ],
    )
    .header(Row::new(vec!["", "kind", "dependent", "if dropped"]).style(theme.header))
    .row_highlight_style(theme.selection)
    .column_spacing(1);
    frame.render_stateful_widget(table, parts[1], &mut view.detail);
}

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
        .stats_age_seconds
        .map(|a| format!(" · statistics: {}", age_words(a)))
        .unwrap_or_default();
    let title = format!(
        " tables: {} · sorted by {} {arrow} (o next, O reverse){window} · m mark · E export · Esc closes ",
        tv.order.len(),
        tv.sort.label(),
    );
    let block = super::pane(true, theme).title(Span::styled(
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
    let fixed = 1 + 7 + 9 + 7 + 7 + 4 + 11 + 17 * dates + 9;
    let name_width = usize::from(inner.width).saturating_sub(fixed).max(12);
    let rows: Vec<Row<'_>> = tv
        .order
        .iter()
        .filter_map(|q| model.relation(q))
        .map(|r| table_row(model, &app.plan, r, name_width, dates, theme))
        .collect();
    view.tables.select(if rows.is_empty() {
        None
    } else {
        Some(tv.selected.min(rows.len() - 1))
    });
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
    widths.extend([Constraint::Length(4), Constraint::Length(11)]);
    header.extend(["deps", "decision"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header))
        .row_highlight_style(theme.selection)
        .column_spacing(1);
    frame.render_stateful_widget(table, inner, &mut view.tables);
}

fn table_row<'a>(
    model: &Model,
    plan: &Plan,
    r: &Relation,
    width: usize,
    dates: usize,
    theme: &Theme,
) -> Row<'a> {
    let q = r.qualified_name();
    let s = r.stats.as_ref();
    let a = s.and_then(activity);
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
    let date_columns: [fn(&TableStats) -> Option<String>; 2] = [last_vacuum, last_analyze];
    cells.extend(
        date_columns
            .into_iter()
            .take(dates)
            .map(|f| Cell::from(when(f))),
    );
    cells.extend([
        Cell::from(model.dependents.count_outside(&q).to_string()),
        Cell::from(Span::styled(decision, theme.accent)),
    ]);
    Row::new(cells)
}

/// The mark prompt: choose a decision, then (for a merge) the target, then a note.
pub fn mark(frame: &mut Frame<'_>, size: Rect, prompt: &MarkPrompt, theme: &Theme) {
    let area = super::overlays::centred(size, 80, 5);
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
            Span::raw(super::shown(&prompt.input)),
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
            .block(super::pane(true, theme).title(Span::styled(" cleanup plan ", theme.title))),
        area,
    );
}
