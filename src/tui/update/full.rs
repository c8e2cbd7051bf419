//! The full-text view (`Space`, or `Enter` on a row with nowhere to jump): a policy, an
//! index, a column, a finding or a definition in full, wrapped to the screen and scrolled
//! with the keys every list uses. Esc, Enter, Space or Backspace close it.

use super::super::action::Action;
use super::super::doc;
use super::super::state::{App, Effect, FullText, Overlay, Tone};
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
        let with_fix = |ids: &[usize]| -> Vec<usize> {
            ids.iter()
                .copied()
                .filter(|i| model.findings[*i].fix.is_some())
                .collect()
        };
        let (doc, fixes) = if back.is_some() {
            // The finding shown is the one copied, also on a row of alike findings.
            match self.current_finding() {
                Some(i) => (doc::finding::doc(&model.findings[i]), with_fix(&[i])),
                None => return,
            }
        } else {
            let Some(id) = self.selected_object().cloned() else {
                return;
            };
            let rows = self.rows();
            let row = rows.get(self.row);
            match (self.tab, &id) {
                (Tab::Findings, _) => match row.and_then(|r| r.findings.first()) {
                    Some(&i) => (doc::finding::doc(&model.findings[i]), with_fix(&[i])),
                    None => return,
                },
                (Tab::Definition, _) => (doc::definition::doc(model, &id), Vec::new()),
                (tab, ObjectId::Relation(q)) => {
                    let Some(r) = model.relation(q) else { return };
                    // Usage rows of dependents jump instead: their full story is the
                    // object they lead to.
                    match doc::row::doc(model, r, tab, &rows, self.row) {
                        Some(doc) => (doc, with_fix(row.map_or(&[], |r| &r.findings))),
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
            fixes,
        });
    }

    pub(crate) fn update_full(&mut self, mut full: FullText, action: Action) -> Vec<Effect> {
        let body = view::full_text_body(self.screen());
        let max = full
            .doc
            .max_scroll(usize::from(body.width), usize::from(body.height));
        // A page: the view's height less one line of context.
        let page = usize::from(body.height).saturating_sub(1).max(1) as isize;
        let by = match action {
            Action::Escape | Action::Enter | Action::Back | Action::ShowFull => {
                self.overlay = full.back.map(|b| *b).unwrap_or_default();
                return Vec::new();
            }
            Action::CopyFix | Action::CopyAll => {
                let effects = if full.fixes.is_empty() {
                    self.status = Some(("no fix SQL for what is shown".into(), Tone::Error));
                    Vec::new()
                } else {
                    self.copy_findings(&full.fixes)
                };
                self.overlay = Overlay::Full(full);
                return effects;
            }
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Home => isize::MIN / 2,
            Action::End => isize::MAX / 2,
            _ => 0,
        };
        full.scroll = doc::scrolled(full.scroll, by, max);
        self.overlay = Overlay::Full(full);
        Vec::new()
    }
}
