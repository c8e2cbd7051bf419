//! The Usage tab: the evidence a cleanup decision rests on (size, reads and writes and how
//! long statistics have counted them, dependents, references in the application's code, the
//! recorded statements that touch the table), and the decision made so far.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::cleanup::evidence::{age_words, short_time, usage_summary};
use crate::cleanup::Plan;
use crate::model::workload::{RecordedStatement, StatementKind};
use crate::model::{Catalog, ObjectId, Relation, RelationKind, TableStats};
use crate::tui::model::{code_references, recorded_statements, DetailRow, Model};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{bytes, count, fit, fit_middle, provenance_line, shown, ViewState};

/// The evidence lines above the dependents table.
fn evidence_lines(
    catalog: &Catalog,
    plan: &Plan,
    r: &Relation,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    // A plain view stores no rows, so the server counts no reads for it: what it reads
    // and what uses it are its evidence, not a row of unknowns.
    let use_line = if r.kind == RelationKind::View {
        "a view stores no rows and has no usage statistics; see what it reads and what uses it"
            .to_string()
    } else {
        usage_summary(catalog, r)
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("use      ", theme.muted),
        Span::styled(fit(&use_line, width.saturating_sub(9)), theme.accent),
    ])];
    if !r.reads.is_empty() {
        let reads: Vec<String> = r.reads.iter().map(ToString::to_string).collect();
        lines.push(Line::from(vec![
            Span::styled("reads    ", theme.muted),
            Span::raw(fit(&reads.join(", "), width.saturating_sub(9))),
        ]));
    }
    if let Some(origin) = provenance_line(&r.provenance) {
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
        (None, _) => match catalog.meta.server_age_seconds {
            Some(up) => format!(
                "never reset: counting since the server started ({} ago)",
                age_words(up)
            ),
            None => "never reset: counting since the server started".into(),
        },
        (Some(at), None) => format!("reset {}", short_time(at)),
    };
    if r.stats.is_some() {
        lines.push(Line::from(vec![
            Span::styled("stats    ", theme.muted),
            Span::raw(reset),
        ]));
    }
    if let Some(code) = catalog
        .code
        .as_ref()
        .and_then(|c| c.summary(&r.qualified_name()))
    {
        lines.push(Line::from(vec![
            Span::styled("code     ", theme.muted),
            Span::raw(fit(&code, width.saturating_sub(9))),
        ]));
    }
    if let Some(record) = &catalog.workload {
        let text = match record.recorded() {
            Some(_) if r.kind == RelationKind::View => None,
            Some(w) => Some(w.summary_of(&r.qualified_name())),
            None => match record {
                crate::model::workload::WorkloadRecord::Unavailable { reason } => {
                    Some(format!("not recorded: {reason}"))
                }
                _ => None,
            },
        };
        if let Some(text) = text {
            lines.push(Line::from(vec![
                Span::styled("workload ", theme.muted),
                Span::raw(fit(&text, width.saturating_sub(9))),
            ]));
        }
    }
    let decision = match plan.mark(&r.qualified_name()) {
        Some(m) if m.note.is_empty() => m.decision.label(),
        Some(m) => format!("{}: {}", m.decision.label(), m.note),
        None => "not decided (m marks it)".into(),
    };
    lines.push(Line::from(vec![
        Span::styled("plan     ", theme.muted),
        Span::raw(shown(&decision)),
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
                when(s.last_vacuum()),
                when(s.last_analyze())
            ),
        ),
    ]
    .into_iter()
    .map(|(label, text)| Line::from(vec![Span::styled(label, theme.muted), Span::raw(text)]))
    .collect()
}

/// The Usage tab: evidence, the plan's decision, then what depends on the table.
#[allow(clippy::too_many_arguments)]
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    plan: &Plan,
    r: &Relation,
    rows: &[DetailRow],
    view: &mut ViewState,
    theme: &Theme,
) {
    let lines = evidence_lines(&model.catalog, plan, r, usize::from(area.width), theme);
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(lines.len() as u16 + 1),
            Constraint::Min(1),
        ])
        .split(area);
    frame.render_widget(Paragraph::new(lines), parts[0]);
    let deps = model.dependents().of(&r.qualified_name());
    let q = r.qualified_name();
    let code = code_references(model, &q);
    let statements = recorded_statements(model, &q);
    if deps.is_empty() && code.is_empty() && statements.is_empty() {
        frame.render_widget(
            Paragraph::new("nothing depends on it").style(theme.muted),
            parts[1],
        );
        return;
    }
    let kind_width = deps
        .iter()
        .map(|d| d.kind.label().len())
        .chain(code.iter().map(|c| "code ".len() + c.how.as_str().len()))
        .chain(statements.iter().map(|s| statement_kind(s).len()))
        .max()
        .unwrap_or(4);
    // The dependent column's width: the table's, less the marker, kind and effect columns
    // and their spacing. A path loses its middle, so its file name and line stay.
    let path_width = usize::from(parts[1].width).saturating_sub(1 + kind_width + 18 + 3);
    let in_code = code.iter().map(|c| {
        let (effect, style) = if c.how.is_use() {
            ("breaks the code", theme.warning)
        } else {
            ("named there", theme.muted)
        };
        Row::new(vec![
            Cell::from(" "),
            Cell::from(format!("code {}", c.how.as_str())),
            Cell::from(fit_middle(&format!("{}:{}", c.file, c.line), path_width)),
            Cell::from(Span::styled(effect, style)),
        ])
    });
    let recorded = statements.iter().map(|s| {
        Row::new(vec![
            Cell::from(" "),
            Cell::from(statement_kind(s)),
            Cell::from(fit(&s.one_line(path_width * 2), path_width)),
            Cell::from(Span::styled(s.calls_words(), theme.muted)),
        ])
    });
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
                Cell::from(shown(&d.label)),
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
        .chain(in_code)
        .chain(recorded)
        .collect();
    let table = Table::new(
        body,
        [
            Constraint::Length(1),
            Constraint::Length(kind_width as u16),
            Constraint::Fill(1),
            Constraint::Length(18),
        ],
    )
    .header(Row::new(vec!["", "kind", "dependent", "if dropped"]).style(theme.header))
    .row_highlight_style(theme.selection)
    .column_spacing(1);
    frame.render_stateful_widget(table, parts[1], &mut view.detail);
}

/// The kind column of a recorded statement's row: `run select`, `run update`.
fn statement_kind(s: &RecordedStatement) -> &'static str {
    match s.kind {
        StatementKind::Select => "run select",
        StatementKind::Insert => "run insert",
        StatementKind::Update => "run update",
        StatementKind::Delete => "run delete",
        StatementKind::Merge => "run merge",
        StatementKind::Other => "run",
    }
}
