//! Suppressing a finding (`s`): the reason prompt, then an effect that writes the ignore file.

use crate::categorize::Grouping;
use crate::tui::action::Action;
use crate::tui::state::{App, Effect, Overlay, Prompt, Tone};

impl App {
    pub(crate) fn start_suppress(&mut self) {
        match self.current_finding() {
            Some(i) => {
                self.overlay = Overlay::Suppress(Prompt {
                    finding: i,
                    input: String::new(),
                })
            }
            None => self.status = Some(("no finding selected".into(), Tone::Error)),
        }
    }

    pub(crate) fn update_prompt(&mut self, mut prompt: Prompt, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => {
                self.status = Some(("not suppressed".into(), Tone::Info));
                Vec::new()
            }
            Action::Enter if prompt.input.trim().is_empty() => {
                self.status = Some(("a reason is required".into(), Tone::Error));
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
            Action::Enter => {
                let Some(model) = self.model.as_mut() else {
                    return Vec::new();
                };
                let Some(f) = model.findings.get_mut(prompt.finding) else {
                    return Vec::new();
                };
                let reason = prompt.input.trim().to_string();
                f.suppressed = Some(reason.clone());
                let key = f.key.clone();
                model.refresh_worst();
                if self.grouping == Grouping::Severity {
                    self.regroup();
                }
                vec![Effect::Suppress { key, reason }]
            }
            Action::Input(c) => {
                prompt.input.push(c);
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
            Action::Back => {
                prompt.input.pop();
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
            _ => {
                self.overlay = Overlay::Suppress(prompt);
                Vec::new()
            }
        }
    }
}
