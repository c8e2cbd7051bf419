//! RLS as a user (`U`): asks whom to read as, reads every API table as that user on a
//! worker thread (`pglens rls`, read only), and shows the report in full, leaks first. A
//! report meant for a view that was closed meanwhile is dropped.

use super::super::action::Action;
use super::super::doc::{Doc, Kind};
use super::super::state::{App, Effect, FullText, Overlay, Tone};
use crate::model::SourceKind;
use crate::rls::RlsReport;

/// The title of the view while it waits, and of the report: how an arrival finds its view.
fn title(who: &str) -> String {
    format!("RLS as {who}")
}

impl App {
    /// Opens the prompt, or says why not: only a live database has rows to read.
    pub(crate) fn start_read_as(&mut self) {
        let live = self
            .model
            .as_ref()
            .is_some_and(|m| m.catalog.meta.source == SourceKind::Live);
        if !live {
            self.status = Some((
                "RLS as a user reads rows: a live database only".into(),
                Tone::Error,
            ));
            return;
        }
        self.overlay = Overlay::ReadAs(String::new());
    }

    pub(crate) fn update_read_as(&mut self, mut typed: String, action: Action) -> Vec<Effect> {
        match action {
            Action::Escape => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            Action::Enter if typed.trim().is_empty() => {
                self.status = Some(("type a user's id or e-mail, or anon".into(), Tone::Error));
                self.overlay = Overlay::ReadAs(typed);
                Vec::new()
            }
            Action::Enter => {
                let who = typed.trim().to_string();
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
                vec![Effect::ReadAs { who }]
            }
            Action::Input(c) => {
                typed.push(c);
                self.overlay = Overlay::ReadAs(typed);
                Vec::new()
            }
            Action::Back => {
                typed.pop();
                self.overlay = Overlay::ReadAs(typed);
                Vec::new()
            }
            _ => {
                self.overlay = Overlay::ReadAs(typed);
                Vec::new()
            }
        }
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
