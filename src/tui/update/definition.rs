//! Scrolling the Definition tab: the moving keys scroll its text once the detail pane has
//! the focus, per object (another object's definition starts at its top), clamped to the
//! line that puts its last line at the bottom of the pane.

use super::super::doc;
use super::super::state::{App, Focus};
use super::super::view;

impl App {
    /// Scrolls the Definition tab of the selected object by `by` lines.
    pub(crate) fn scroll_definition(&mut self, by: isize) {
        let (Some(model), Some(id)) = (&self.model, self.selected_object()) else {
            return;
        };
        let doc = doc::definition::doc(model, id);
        let body = self.definition_body();
        let max = doc::text_max_scroll(&doc, usize::from(body.width), usize::from(body.height));
        let from = if self.definition_scroll.object.as_ref() == Some(id) {
            self.definition_scroll.offset
        } else {
            0
        };
        self.definition_scroll.object = Some(id.clone());
        self.definition_scroll.offset = doc::scrolled(from, by, max);
        self.focus = Focus::Detail;
    }

    /// A page of the Definition tab: the lines it shows less one of context.
    pub(crate) fn definition_page(&self) -> usize {
        usize::from(self.definition_body().height)
            .saturating_sub(2)
            .max(1)
    }

    /// Where the Definition tab's text goes on this screen.
    fn definition_body(&self) -> ratatui::layout::Rect {
        view::detail_body(view::areas(self.screen()).detail)
    }
}
