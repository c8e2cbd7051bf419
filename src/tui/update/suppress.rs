//! Suppressing findings: `s` one finding, `S` every finding of its rule. Both ask for a
//! reason, mark what they suppress at once, and return an effect that writes the entry to
//! the ignore file.

use crate::audit::ignore::IgnoreTarget;
use crate::categorize::Grouping;
use crate::tui::action::Action;
use crate::tui::state::{App, Effect, Overlay, Prompt, Tone};

impl App {
    /// Asks for the reason to suppress the current finding (or its rule). Opened from the
    /// findings list, the prompt returns to it, filters and cursor as they were.
    pub(crate) fn start_suppress(&mut self, whole_rule: bool) {
        match self.current_finding() {
            Some(i) => {
                let back = match std::mem::take(&mut self.overlay) {
                    Overlay::None => None,
                    other => Some(Box::new(other)),
                };
                self.overlay = Overlay::Suppress(Prompt {
                    finding: i,
                    input: String::new(),
                    whole_rule,
                    back,
                })
            }
            None => self.status = Some(("no finding selected".into(), Tone::Error)),
        }
    }

    pub(crate) fn update_prompt(&mut self, mut prompt: Prompt, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => {
                self.status = Some(("not suppressed".into(), Tone::Info));
                self.overlay = prompt.back.map(|b| *b).unwrap_or_default();
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
                let Some(f) = model.findings.get(prompt.finding) else {
                    return Vec::new();
                };
                let reason = prompt.input.trim().to_string();
                let target = if prompt.whole_rule {
                    IgnoreTarget::Rule(f.rule.to_string())
                } else {
                    IgnoreTarget::Key(f.key.clone())
                };
                // What the entry will match when the audit runs again; already-suppressed
                // findings keep the reason they were given.
                let rule = f.rule;
                for (i, f) in model.findings.iter_mut().enumerate() {
                    let matched = if prompt.whole_rule {
                        f.rule == rule && f.suppressed.is_none()
                    } else {
                        i == prompt.finding
                    };
                    if matched {
                        f.suppressed = Some(reason.clone());
                    }
                }
                model.refresh_worst();
                if self.grouping == Grouping::Severity {
                    self.regroup();
                }
                self.overlay = prompt.back.map(|b| *b).unwrap_or_default();
                vec![Effect::Suppress { target, reason }]
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
