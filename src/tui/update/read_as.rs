//! RLS as a user (`U`): asks whom to read as, reads every API table as that user on a
//! worker thread (`pglens rls`, read only), and shows the report in full, leaks first. A
//! report meant for a view that was closed meanwhile is dropped.

use super::super::action::Action;
use super::super::doc::{Doc, Kind};
use super::super::state::{App, Effect, FullText, Overlay, ReadAsPrompt, Tone, UserChoice};
use crate::model::SourceKind;
use crate::rls::RlsReport;

/// The title of the view while it waits, and of the report: how an arrival finds its view.
fn title(who: &str) -> String {
    format!("RLS as {who}")
}

impl App {
    /// Opens the prompt and asks for the users to offer, or says why not: only a live
    /// database has rows to read.
    pub(crate) fn start_read_as(&mut self) -> Vec<Effect> {
        let live = self
            .model
            .as_ref()
            .is_some_and(|m| m.catalog.meta.source == SourceKind::Live);
        if !live {
            self.status = Some((
                "RLS as a user reads rows: a live database only".into(),
                Tone::Error,
            ));
            return Vec::new();
        }
        self.overlay = Overlay::ReadAs(ReadAsPrompt::default());
        vec![Effect::ListUsers]
    }

    /// The users to offer, if the prompt is still open.
    pub(crate) fn users_arrived(&mut self, users: Result<Vec<UserChoice>, String>) {
        if let Overlay::ReadAs(prompt) = &mut self.overlay {
            prompt.users = Some(users);
            prompt.cursor = 0;
        }
    }

    pub(crate) fn update_read_as(
        &mut self,
        mut prompt: ReadAsPrompt,
        action: Action,
    ) -> Vec<Effect> {
        let choices = prompt.choices();
        match action {
            Action::Escape => {
                self.overlay = Overlay::None;
                return Vec::new();
            }
            Action::Enter => {
                // The choice under the cursor; what was typed when nothing matches it (an
                // id beyond the users offered).
                let who = choices
                    .get(prompt.cursor)
                    .cloned()
                    .unwrap_or_else(|| prompt.input.trim().to_string());
                if who.is_empty() {
                    self.status = Some(("type a user's id or e-mail, or anon".into(), Tone::Error));
                    self.overlay = Overlay::ReadAs(prompt);
                    return Vec::new();
                }
                let mut doc = Doc::new(&title(&who));
                doc.line(
                    Kind::Muted,
                    "reading every API table as this user, read only…",
                );
                self.overlay = Overlay::Full(FullText {
                    doc,
                    scroll: 0,
                    back: None,
                    fixes: Vec::new(),
                });
                return vec![Effect::ReadAs { who }];
            }
            Action::Up => prompt.cursor = prompt.cursor.saturating_sub(1),
            Action::Down => {
                prompt.cursor = (prompt.cursor + 1).min(choices.len().saturating_sub(1))
            }
            Action::Input(c) => {
                prompt.input.push(c);
                prompt.cursor = 0;
            }
            Action::Back => {
                prompt.input.pop();
                prompt.cursor = 0;
            }
            _ => {}
        }
        self.overlay = Overlay::ReadAs(prompt);
        Vec::new()
    }

    /// A report (or the reason there is none), shown if its view is still open; the
    /// report's counts and leaks then go to the tree and tabs too.
    pub(crate) fn rls_arrived(&mut self, who: &str, result: Result<RlsReport, String>) {
        let waiting = matches!(&self.overlay, Overlay::Full(full)
            if full.doc.title == crate::text::visible(&title(who)));
        if !waiting {
            return;
        }
        let doc = match result {
            Ok(report) => {
                let doc = report_doc(who, &report);
                if let Some(model) = self.model.as_mut() {
                    model.set_read_as(report);
                    if self.grouping == crate::categorize::Grouping::Severity {
                        self.regroup();
                    }
                }
                doc
            }
            Err(e) => {
                let mut doc = Doc::new(&title(who));
                doc.line(Kind::Critical, &e);
                doc
            }
        };
        if let Overlay::Full(full) = &mut self.overlay {
            full.doc = doc;
            full.scroll = 0;
        }
    }
}

/// The report as the full view shows it: the text report, leaks marked critical.
pub fn report_doc(who: &str, report: &RlsReport) -> Doc {
    let mut doc = Doc::new(&title(who));
    let text = crate::rls::report::text(report);
    let mut in_leaks = false;
    for line in text.lines() {
        if line.starts_with("LEAKS") {
            in_leaks = true;
            doc.line(Kind::Critical, line);
            continue;
        }
        if line.is_empty() {
            in_leaks = false;
            doc.blank();
            continue;
        }
        let kind = if in_leaks {
            Kind::Critical
        } else if !line.starts_with(' ') {
            Kind::Label
        } else {
            Kind::Text
        };
        doc.line(kind, line);
    }
    doc
}
