//! The drift view (`D`): moving through the differences, Enter jumps to the object.

use super::step;
use crate::model::ObjectId;
use crate::tui::action::Action;
use crate::tui::state::{App, Effect, Overlay};
use crate::tui::tab::Tab;

impl App {
    pub(crate) fn update_drift(&mut self, selected: usize, action: Action) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let Some(drift) = &model.drift else {
            return Vec::new();
        };
        let len = drift.differences.len();
        let selected = match action {
            Action::Escape | Action::Drift => return Vec::new(),
            Action::Up => selected.saturating_sub(1),
            Action::Down => step(selected, 1, len),
            Action::PageUp => step(selected, -(self.page as isize), len),
            Action::PageDown => step(selected, self.page as isize, len),
            Action::Home => 0,
            Action::End => len.saturating_sub(1),
            Action::Enter => {
                let target = drift.differences.get(selected).map(|d| {
                    // A function is named `name(argument types)`: found by that label.
                    let function = (d.kind == "function")
                        .then(|| {
                            model
                                .catalog
                                .functions
                                .iter()
                                .find(|f| f.schema == d.schema && f.signature() == d.name)
                        })
                        .flatten();
                    let id = match function {
                        Some(f) => f.object_id(),
                        None => {
                            let table = d.table.clone().unwrap_or_else(|| d.name.clone());
                            ObjectId::relation(&d.schema, &table)
                        }
                    };
                    (id, d.kind)
                });
                if let Some((id, kind)) = target {
                    let tab = match kind {
                        "column" => Tab::Columns,
                        "index" => Tab::Indexes,
                        "constraint" => Tab::Constraints,
                        "policy" => Tab::Policies,
                        _ => Tab::Definition,
                    };
                    self.coming_from = Some(Overlay::Drift(selected));
                    self.jump(&id, tab, None);
                    return Vec::new();
                }
                selected
            }
            _ => selected,
        };
        self.overlay = Overlay::Drift(selected);
        Vec::new()
    }
}
