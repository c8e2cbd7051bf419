//! Rendering: pure functions of the [`App`] state (plus the widgets' own scroll offsets in
//! [`ViewState`], which ratatui's stateful widgets keep). Nothing here does I/O or changes
//! the app.

mod detail;
mod overlays;
mod peek;
mod review;
mod status;
mod summary;
mod tabs;
mod tree;
pub mod widgets;

pub use tree::node_at;
pub use widgets::ViewState;

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::action::Keymap;
use super::state::{App, MarkPrompt, Overlay, Prompt};
use super::theme::Theme;

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

/// The detail pane's body: inside its border, under the tab titles.
pub fn detail_body(detail: Rect) -> Rect {
    Rect::new(
        detail.x.saturating_add(1),
        detail.y.saturating_add(2),
        detail.width.saturating_sub(2),
        detail.height.saturating_sub(3),
    )
}

/// The full-text view's box: most of the screen, at most 110 columns wide so lines stay
/// readable.
pub fn full_text_box(size: Rect) -> Rect {
    widgets::centred(
        size,
        size.width.saturating_sub(4).min(110),
        size.height.saturating_sub(2),
    )
}

/// The lines of text inside the full-text view's box.
pub fn full_text_body(size: Rect) -> Rect {
    let b = full_text_box(size);
    Rect::new(
        b.x + 1,
        b.y + 1,
        b.width.saturating_sub(2),
        b.height.saturating_sub(2),
    )
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
    // The full-text view floats over whatever it was opened from.
    let under = match &app.overlay {
        Overlay::Full(full) => full.back.as_deref().unwrap_or(&Overlay::None),
        other => other,
    };
    match under {
        Overlay::Findings(fv) => {
            overlays::findings(frame, a.tree.union(a.detail), app, fv, view, keymap, theme)
        }
        Overlay::Tables(tv) => review::tables(frame, a.tree.union(a.detail), app, tv, view, theme),
        Overlay::Drift(selected) => {
            overlays::drift(frame, a.tree.union(a.detail), app, *selected, view, theme)
        }
        Overlay::Peek(pv) => peek::render(frame, a.tree.union(a.detail), app, pv, view, theme),
        Overlay::Mark(MarkPrompt { back: Some(tv), .. }) => {
            review::tables(frame, a.tree.union(a.detail), app, tv, view, theme)
        }
        Overlay::Suppress(Prompt {
            back: Some(back), ..
        }) => match back.as_ref() {
            Overlay::Findings(fv) => {
                overlays::findings(frame, a.tree.union(a.detail), app, fv, view, keymap, theme)
            }
            _ => detail::render(frame, a.detail, app, view, theme),
        },
        _ => detail::render(frame, a.detail, app, view, theme),
    }
    status::render(frame, a.status, a.hints, app, theme, keymap);
    match &app.overlay {
        Overlay::Search(s) => overlays::search(frame, size, app, s, view, theme),
        Overlay::Help(offset) => overlays::help(frame, size, *offset, keymap, theme),
        Overlay::Suppress(p) => overlays::suppress(frame, size, app, p, theme),
        Overlay::ReadAs(prompt) => overlays::read_as(frame, size, prompt, theme),
        Overlay::Password(typed) => overlays::password(frame, size, app, &typed.0, theme),
        Overlay::Mark(p) => review::mark(frame, size, p, theme),
        Overlay::Full(full) => overlays::full_text(frame, size, full, theme),
        Overlay::Findings(_)
        | Overlay::Tables(_)
        | Overlay::Drift(_)
        | Overlay::Peek(_)
        | Overlay::None => {}
    }
}
