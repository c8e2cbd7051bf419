//! The Definition tab: the object's SQL (see `tui::doc::definition`), wrapped, scrolled
//! with the list keys once the pane has the focus, and saying where it is when it does not
//! fit.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::model::ObjectId;
use crate::tui::doc;
use crate::tui::model::Model;
use crate::tui::state::DefinitionScroll;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::doc_lines;

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    id: &ObjectId,
    scroll: &DefinitionScroll,
    theme: &Theme,
) {
    let doc = doc::definition::doc(model, id);
    let lines = doc.wrapped(usize::from(area.width));
    let height = doc::viewport(lines.len(), usize::from(area.height));
    let offset = if scroll.object.as_ref() == Some(id) {
        scroll.offset.min(lines.len().saturating_sub(height))
    } else {
        0
    };
    let end = (offset + height).min(lines.len());
    let mut shown = doc_lines(&lines[offset..end], theme);
    if lines.len() > height {
        shown.push(Line::styled(
            format!(
                "lines {}-{end} of {} · ↑↓ PgUp PgDn g G scroll",
                offset + 1,
                lines.len()
            ),
            theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(shown), area);
}
