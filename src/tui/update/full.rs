//! The full-text view (`Space`, or `Enter` on a row with nowhere to jump): a policy, an
//! index, a column, a finding or a definition in full, wrapped to the screen and scrolled
//! with the keys every list uses. Esc, Enter, Space or Backspace close it.

use super::super::action::Action;
use super::super::doc::{self, Doc};
use super::super::state::{App, Effect, Focus, FullText, Overlay};
use super::super::tab::Tab;
use super::super::view;
use crate::model::ObjectId;

impl App {
    /// Opens the full-text view on what is selected: the findings list's finding, the
    /// Findings tab's finding, a table's row, or the Definition tab's text.
    pub(crate) fn show_full(&mut self) {
        let Some(model) = &self.model else { return };
        let back = match &self.overlay {
            Overlay::Findings(_) => Some(Box::new(self.overlay.clone())),
            _ => None,
        };
        let (doc, copyable) = if back.is_some() {
            match self.current_finding() {
                Some(i) => (doc::finding::doc(&model.findings[i]), true),
                None => return,
            }
        } else {
            let Some(id) = self.selected_object().cloned() else {
                return;
            };
            match (self.tab, &id) {
                (Tab::Findings, _) => {
                    match self.rows().get(self.row).and_then(|r| r.findings.first()) {
                        Some(&i) => (doc::finding::doc(&model.findings[i]), true),
                        None => return,
                    }
                }
                (Tab::Definition, _) => (doc::definition::doc(model, &id), false),
                (tab, ObjectId::Relation(q)) => {
                    let Some(r) = model.relation(q) else { return };
                    let rows = self.rows();
                    let fixable = rows.get(self.row).is_some_and(|row| {
                        row.findings
                            .iter()
                            .any(|i| model.findings[*i].fix.is_some())
                    });
                    // Rows of other tabs (Relationships, Usage) jump instead; their full
                    // story is the object they lead to.
                    match doc::row::doc(model, r, tab, &rows, self.row) {
                        Some(doc) => (doc, fixable),
                        None => return,
                    }
                }
                _ => return,
            }
        };
        self.overlay = Overlay::Full(FullText {
            doc,
            scroll: 0,
            back,
            copyable,
        });
    }

    pub(crate) fn update_full(&mut self, mut full: FullText, action: Action) -> Vec<Effect> {
        let max = full_max_scroll(&full.doc, self.size);
        let by = match action {
            Action::Escape | Action::Enter | Action::Back | Action::ShowFull => {
                self.overlay = full.back.map(|b| *b).unwrap_or_default();
                return Vec::new();
            }
            Action::CopyFix | Action::CopyAll => {
                // Copy what is selected under the view, and keep the view open.
                self.overlay = full.back.clone().map(|b| *b).unwrap_or_default();
                let effects = self.update_for_mode(action);
                full.back = match std::mem::take(&mut self.overlay) {
                    Overlay::None => None,
                    under => Some(Box::new(under)),
                };
                self.overlay = Overlay::Full(full);
                return effects;
            }
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -(self.page_of_text() as isize),
            Action::PageDown => self.page_of_text() as isize,
            Action::Home => isize::MIN / 2,
            Action::End => isize::MAX / 2,
            _ => 0,
        };
        full.scroll = doc::scrolled(full.scroll, by, max);
        self.overlay = Overlay::Full(full);
        Vec::new()
    }

    /// Scrolls the Definition tab of the selected object.
    pub(crate) fn scroll_definition(&mut self, by: isize) {
        let (Some(model), Some(id)) = (&self.model, self.selected_object()) else {
            return;
        };
        let doc = doc::definition::doc(model, id);
        let body = view::detail_body(view::areas(self.screen()).detail);
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

    fn screen(&self) -> ratatui::layout::Rect {
        ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// A page of the Definition tab: the lines it shows less one of context.
    pub(crate) fn definition_page(&self) -> usize {
        let body = view::detail_body(view::areas(self.screen()).detail);
        usize::from(body.height).saturating_sub(2).max(1)
    }

    /// A page of the full-text view: its height less one line of context.
    fn page_of_text(&self) -> usize {
        usize::from(view::full_text_body(self.screen()).height)
            .saturating_sub(1)
            .max(1)
    }
}

fn full_max_scroll(doc: &Doc, size: (u16, u16)) -> usize {
    let body = view::full_text_body(ratatui::layout::Rect::new(0, 0, size.0, size.1));
    doc.max_scroll(usize::from(body.width), usize::from(body.height))
}
