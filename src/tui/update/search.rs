//! The finder (`/`): typing refines the hits (a query starting with `?` searches bodies,
//! conditions, view definitions and comments), the line edits as a shell prompt does, and
//! Enter jumps to a hit. The last query is offered again when the finder reopens.

use super::step;
use crate::tui::action::Action;
use crate::tui::line::LineEdit;
use crate::tui::state::{App, Effect, Overlay, SearchState, Tone};

impl App {
    /// Opens the finder with the last query, ready to be replaced by typing.
    pub(crate) fn open_search(&mut self) {
        let mut state = SearchState {
            line: LineEdit::prefilled(&self.last_query),
            ..SearchState::default()
        };
        self.refresh_hits(&mut state);
        self.overlay = Overlay::Search(state);
    }

    pub(crate) fn update_search(&mut self, mut state: SearchState, action: Action) -> Vec<Effect> {
        self.last_query = state.query().to_string();
        match action {
            Action::Escape => return Vec::new(),
            Action::Enter => {
                let hit = state.hits.get(state.selected);
                if let (Some(hit), Some(model)) = (hit, &self.model) {
                    let entry = model.search().entry(hit).clone();
                    match &entry.target {
                        Some(target) => {
                            self.coming_from = Some(Overlay::Search(state.clone()));
                            self.jump(target, entry.tab, entry.row.as_deref())
                        }
                        None => {
                            self.status = Some((
                                format!(
                                    "{} ({}) is not used by any table",
                                    entry.label, entry.kind
                                ),
                                Tone::Info,
                            ))
                        }
                    }
                }
                return Vec::new();
            }
            Action::Up => state.selected = state.selected.saturating_sub(1),
            Action::Down => state.selected = step(state.selected, 1, state.hits.len()),
            Action::PageUp => {
                state.selected = step(state.selected, -(self.page as isize), state.hits.len())
            }
            Action::PageDown => {
                state.selected = step(state.selected, self.page as isize, state.hits.len())
            }
            edit => {
                if state.line.apply(&edit) == Some(true) {
                    self.last_query = state.query().to_string();
                    self.refresh_hits(&mut state);
                }
            }
        }
        self.overlay = Overlay::Search(state);
        Vec::new()
    }

    pub(crate) fn refresh_hits(&self, state: &mut SearchState) {
        let schemas = &self.schemas;
        state.hits = self
            .model
            .as_ref()
            .map(|m| {
                m.search().search(
                    &self.matcher,
                    state.line.text(),
                    &mut state.incremental,
                    &|e| e.target.as_ref().is_none_or(|t| schemas.shows_object(t)),
                )
            })
            .unwrap_or_default();
        state.selected = 0;
    }
}
