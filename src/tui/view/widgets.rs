//! Pieces every part of the screen draws with: panes, severity marks, text made safe to
//! show, fitted cells, and the finding card the Findings tab and the findings list share.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, TableState};
use ratatui::Frame;
use tui_tree_widget::TreeState;

use crate::audit::{Finding, Severity};
use crate::cleanup::evidence::{human_bytes, human_count};
use crate::tui::doc::{DocLine, Kind};
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
    let Some(severity) = severity else {
        return Span::styled(" ", Style::default());
    };
    let (kind, symbol) = Kind::of_severity(severity);
    Span::styled(symbol, kind_style(kind, theme))
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

/// Like [`fit`], but a name too long keeps its start and its end and loses its middle:
/// names that share a long prefix (`Give members access to team folders in ...`) differ at
/// the end.
pub fn fit_middle(text: &str, width: usize) -> String {
    let text = shown(text);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text;
    }
    if width < 8 {
        return fit(&text, width);
    }
    let tail = (width - 1) / 2;
    let head = width - 1 - tail;
    let mut s: String = chars[..head].iter().collect();
    s.push('…');
    s.extend(&chars[chars.len() - tail..]);
    s
}

/// The part of a long list on screen. Only those rows are built, so a list of fifty
/// thousand costs no more per frame than a list of fifty. `kept`'s offset is the first row
/// on screen, kept between frames so the list scrolls only when the selection leaves it.
/// Returns that offset and the state that selects `selected` within the window.
pub fn window(
    kept: &mut TableState,
    selected: usize,
    len: usize,
    height: usize,
) -> (usize, TableState) {
    let height = height.max(1);
    let selected = selected.min(len.saturating_sub(1));
    let mut offset = kept.offset().min(selected);
    if selected >= offset + height {
        offset = selected + 1 - height;
    }
    *kept.offset_mut() = offset;
    let state = TableState::default().with_selected((len > 0).then(|| selected - offset));
    (offset, state)
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

/// A finding's rationale and fix under a rule line, for the Findings tab and the findings
/// list: as much as `area` holds, and then how to see the rest.
pub fn finding_card(frame: &mut Frame<'_>, area: Rect, f: &Finding, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let doc = crate::tui::doc::finding::doc(f);
    let lines = doc.wrapped(usize::from(inner.width));
    let height = usize::from(inner.height);
    let mut shown = doc_lines(&lines[..lines.len().min(height)], theme);
    if lines.len() > height && height > 0 {
        shown.truncate(height - 1);
        shown.push(Line::styled(
            format!(
                "… {} more lines: Space shows the whole finding",
                lines.len() - (height - 1)
            ),
            theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(shown), inner);
}

/// Wrapped lines of a [`Doc`](crate::tui::doc::Doc) in the theme's styles. The lines
/// are already safe to show (a `Doc` escapes what it is given).
pub fn doc_lines(lines: &[DocLine], theme: &Theme) -> Vec<Line<'static>> {
    lines
        .iter()
        .map(|l| match l.kind {
            Kind::Sql => sql_line(&l.text, theme),
            kind => Line::styled(l.text.clone(), kind_style(kind, theme)),
        })
        .collect()
}

/// The theme's style for a kind of line (SQL is styled word by word, by [`sql_line`]).
fn kind_style(kind: Kind, theme: &Theme) -> Style {
    match kind {
        Kind::Label => theme.header,
        Kind::Muted => theme.muted,
        Kind::Accent => theme.accent,
        Kind::Critical => theme.critical,
        Kind::Warning => theme.warning,
        Kind::Info => theme.info,
        Kind::Text | Kind::Sql => Style::default(),
    }
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
