//! The finder (`/`): typing refines the hits, Enter jumps to one.

use super::step;
use crate::tui::action::Action;
use crate::tui::state::{App, Effect, Overlay, SearchState};

impl App {
    pub(crate) fn update_search(&mut self, mut state: SearchState, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => return Vec::new(),
            Action::Enter => {
                let hit = state.hits.get(state.selected).map(|h| h.entry);
                if let (Some(e), Some(model)) = (hit, &self.model) {
                    let entry = model.search.entries[e].clone();
                    self.jump(&entry.target, entry.tab, entry.row.as_deref());
                }
                return Vec::new();
            }
            Action::Up => state.selected = state.selected.saturating_sub(1),
            Action::Down => state.selected = step(state.selected, 1, state.hits.len()),
            Action::Input(c) => {
                state.query.push(c);
                self.refresh_hits(&mut state);
            }
            Action::Back => {
                state.query.pop();
                self.refresh_hits(&mut state);
            }
            _ => {}
        }
        self.overlay = Overlay::Search(state);
        Vec::new()
    }

    pub(crate) fn refresh_hits(&self, state: &mut SearchState) {
        state.hits = self
            .model
            .as_ref()
            .map(|m| m.search.search(&self.matcher, &state.query))
            .unwrap_or_default();
        state.selected = 0;
    }
}
