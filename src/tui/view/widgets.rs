//! Pieces every part of the screen draws with: panes, severity marks, text made safe to
//! show, fitted cells, and the finding card the Findings tab and the findings list share.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, TableState, Wrap};
use tui_tree_widget::TreeState;

use crate::audit::{find_rule, Finding, Severity};
use crate::cleanup::evidence::{human_bytes, human_count};
use crate::tui::model::{DetailRow, Model};
use crate::tui::theme::Theme;

/// Scroll positions of the stateful widgets, owned by the runtime between frames.
#[derive(Default)]
pub struct ViewState {
    pub tree: TreeState<String>,
    pub detail: TableState,
    pub findings: TableState,
    pub search: TableState,
    pub tables: TableState,
}

/// A bordered pane, its border highlighted when it has the keyboard focus.
/// A bordered pane. The focused one has a thick border as well as its colour, so it reads
/// on a monochrome terminal and to a colour-blind reader.
pub fn pane(focused: bool, theme: &Theme) -> ratatui::widgets::Block<'static> {
    let block = ratatui::widgets::Block::default().borders(ratatui::widgets::Borders::ALL);
    if focused {
        block
            .border_type(ratatui::widgets::BorderType::Thick)
            .border_style(theme.border_focus)
    } else {
        block.border_style(theme.border)
    }
}

/// A severity as a symbol that reads without colour, and its style.
pub fn severity_mark(severity: Option<Severity>, theme: &Theme) -> Span<'static> {
    match severity {
        Some(Severity::Critical) => Span::styled("✖", theme.critical),
        Some(Severity::Warning) => Span::styled("▲", theme.warning),
        Some(Severity::Info) => Span::styled("●", theme.info),
        None => Span::styled(" ", Style::default()),
    }
}

/// How a finding's text looks: dimmed once suppressed.
pub fn finding_style(f: &crate::audit::Finding, theme: &Theme) -> Style {
    if f.suppressed.is_some() {
        theme.muted
    } else {
        Style::default()
    }
}

/// Text from the schema as the screen shows it: control, bidi and zero-width characters
/// as visible escapes (`\n`, `\u{202e}`). Left to ratatui, control characters vanish (so
/// `new⏎line` reads `newline`) and the others can reorder or hide what is on the line.
pub fn shown(text: &str) -> String {
    crate::text::visible(text).into_owned()
}

/// Multi-line text from the schema (a definition, a function body) as the screen shows it:
/// line breaks stay, every other control or invisible character is an escape.
pub fn shown_lines(text: &str) -> String {
    crate::text::visible_lines(text).into_owned()
}

/// Cuts text to `width` characters with an ellipsis, so long names never wrap. Text from
/// the schema is [`shown`] first.
pub fn fit(text: &str, width: usize) -> String {
    let text = shown(text);
    if text.chars().count() <= width {
        text.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

/// The severity mark of a detail row: its worst open finding.
pub fn row_mark<'a>(model: &Model, row: &DetailRow, theme: &Theme) -> Cell<'a> {
    let worst = row
        .findings
        .iter()
        .filter(|i| model.findings[**i].suppressed.is_none())
        .map(|i| model.findings[*i].severity)
        .max();
    Cell::from(severity_mark(worst, theme))
}

/// The widest of `texts` in characters, between `min` and `max`.
pub fn widest<'a>(texts: impl Iterator<Item = &'a str>, min: u16, max: u16) -> u16 {
    let w = texts.map(|t| t.chars().count()).max().unwrap_or(0);
    u16::try_from(w).unwrap_or(max).clamp(min, max)
}

/// A finding's rationale and fix, for the Findings tab and the findings view.
pub fn finding_detail<'a>(f: &Finding, theme: &Theme) -> Paragraph<'a> {
    let mut lines = vec![
        Line::from(vec![
            severity_mark(Some(f.severity), theme),
            Span::raw(format!(" {}", shown(&f.message))),
        ]),
        Line::from(vec![
            Span::styled(f.rule.to_string(), theme.accent),
            Span::styled(
                format!(" ({}, {})", f.severity.as_str(), f.category.as_str()),
                theme.muted,
            ),
        ]),
    ];
    if let Some(reason) = &f.suppressed {
        lines.push(Line::styled(
            format!("suppressed: {}", shown(reason)),
            theme.muted,
        ));
    }
    if let Some(entry) = find_rule(f.rule) {
        let docs = entry.docs();
        if let Some(why) = section(&docs, "## Why it matters") {
            lines.push(Line::styled(why, theme.muted));
        }
    }
    match &f.fix {
        Some(fix) => {
            lines.push(Line::styled(
                if fix.safe {
                    "fix (safe to paste):"
                } else {
                    "fix (REVIEW first):"
                },
                theme.header,
            ));
            for s in &fix.statements {
                lines.push(sql_line(&format!("{};", s.sql), theme));
            }
            for n in &fix.notes {
                lines.push(Line::styled(format!("note: {}", shown(n)), theme.muted));
            }
            lines.push(Line::styled(
                "y copies this fix, s suppresses the finding",
                theme.muted,
            ));
        }
        None => lines.push(Line::styled("no fix SQL for this finding", theme.muted)),
    }
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border),
        )
}

/// A doc section's text, joined into one paragraph.
pub fn section(docs: &str, heading: &str) -> Option<String> {
    let start = docs.find(heading)? + heading.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
}

/// SQL with upper-case keywords highlighted.
pub fn sql_line(text: &str, theme: &Theme) -> Line<'static> {
    let spans: Vec<Span<'static>> = text
        .split_inclusive(' ')
        .map(|word| {
            let bare = word.trim();
            let keyword =
                bare.len() > 1 && bare.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            if keyword {
                Span::styled(word.to_string(), theme.sql_keyword)
            } else {
                Span::raw(word.to_string())
            }
        })
        .collect();
    Line::from(spans)
}

/// `defined in a.sql:40, altered in b.sql:7 and c.sql:3`, or None for live sources.
pub fn provenance_line(p: &crate::model::Provenance) -> Option<String> {
    let place = |l: &crate::model::Location| format!("{}:{}", l.file, l.line);
    let defined = p
        .defined
        .as_ref()
        .map(|l| format!("defined in {}", place(l)));
    // Lines of one file together: `b.sql:1, 2, 5, c.sql:3`.
    let altered = (!p.altered.is_empty()).then(|| {
        let mut text = String::new();
        let mut last_file: Option<&str> = None;
        for l in &p.altered {
            if !text.is_empty() {
                text.push_str(", ");
            }
            if last_file == Some(l.file.as_str()) {
                text.push_str(&l.line.to_string());
            } else {
                text.push_str(&place(l));
                last_file = Some(&l.file);
            }
        }
        format!("altered in {text}")
    });
    let parts: Vec<String> = [defined, altered].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A centred rectangle of at most `w` x `h` inside `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn count(v: Option<i64>) -> String {
    v.map(human_count).unwrap_or_else(|| "?".into())
}

pub fn bytes(v: Option<i64>) -> String {
    v.map(human_bytes).unwrap_or_else(|| "?".into())
}
