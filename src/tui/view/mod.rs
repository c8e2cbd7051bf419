//! Rendering: pure functions of the [`App`] state (plus the widgets' own scroll offsets in
//! [`ViewState`], which ratatui's stateful widgets keep). Nothing here does I/O or changes
//! the app.

mod detail;
mod overlays;
mod review;
mod status;
mod tree;

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, TableState, Wrap};
use ratatui::Frame;
use tui_tree_widget::TreeState;

use super::action::Keymap;
use super::app::{App, Node, Overlay};
use super::review::MarkPrompt;
use super::theme::Theme;
use crate::audit::Severity;

/// Scroll positions of the stateful widgets, owned by the runtime between frames.
#[derive(Default)]
pub struct ViewState {
    pub tree: TreeState<String>,
    pub detail: TableState,
    pub findings: TableState,
    pub search: TableState,
    pub tables: TableState,
}

/// Smallest terminal the explorer draws its panes in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Where each pane goes; a pure function of the terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tree: Rect,
    pub detail: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn areas(size: Rect) -> Areas {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(size);
    let tree_width = (size.width * 32 / 100)
        .clamp(24, 48)
        .min(size.width.saturating_sub(16));
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(tree_width), Constraint::Min(10)])
        .split(rows[0]);
    Areas {
        tree: cols[0],
        detail: cols[1],
        status: rows[1],
        hints: rows[2],
    }
}

/// Draws one frame.
pub fn render(
    frame: &mut Frame<'_>,
    app: &App,
    view: &mut ViewState,
    theme: &Theme,
    keymap: &Keymap,
) {
    let size = frame.area();
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        let text = format!(
            "terminal too small ({}x{}); pglens needs {MIN_WIDTH}x{MIN_HEIGHT}",
            size.width, size.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), size);
        return;
    }
    let a = areas(size);
    tree::render(frame, a.tree, app, view, theme);
    match &app.overlay {
        Overlay::Findings(fv) => {
            overlays::findings(frame, a.tree.union(a.detail), app, fv, view, theme)
        }
        Overlay::Tables(tv) => review::tables(frame, a.tree.union(a.detail), app, tv, view, theme),
        Overlay::Drift(selected) => {
            overlays::drift(frame, a.tree.union(a.detail), app, *selected, view, theme)
        }
        Overlay::Mark(MarkPrompt { back: Some(tv), .. }) => {
            review::tables(frame, a.tree.union(a.detail), app, tv, view, theme)
        }
        _ => detail::render(frame, a.detail, app, view, theme),
    }
    status::render(frame, a.status, a.hints, app, theme, keymap);
    match &app.overlay {
        Overlay::Search(s) => overlays::search(frame, size, app, s, view, theme),
        Overlay::Help(offset) => overlays::help(frame, size, *offset, keymap, theme),
        Overlay::Suppress(p) => overlays::suppress(frame, size, app, p, theme),
        Overlay::Password(typed) => overlays::password(frame, size, app, &typed.0, theme),
        Overlay::Mark(p) => review::mark(frame, size, p, theme),
        Overlay::Findings(_) | Overlay::Tables(_) | Overlay::Drift(_) | Overlay::None => {}
    }
}

/// A bordered pane, its border highlighted when it has the keyboard focus.
pub fn pane(focused: bool, theme: &Theme) -> ratatui::widgets::Block<'static> {
    ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(if focused {
            theme.border_focus
        } else {
            theme.border
        })
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

/// The tree's identifier path for a node (group name, then object label).
pub fn node_path(node: &Node) -> Vec<String> {
    match node {
        Node::Group(g) => vec![g.clone()],
        Node::Item(g, id) => vec![g.clone(), id.label()],
    }
}

/// The node at a tree path, for mouse clicks.
pub fn node_at(app: &App, path: &[String]) -> Option<Node> {
    let group = app.groups.iter().find(|g| Some(&g.name) == path.first())?;
    match path.get(1) {
        None => Some(Node::Group(group.name.clone())),
        Some(label) => group
            .members
            .iter()
            .find(|m| &m.label() == label)
            .map(|m| Node::Item(group.name.clone(), m.clone())),
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
