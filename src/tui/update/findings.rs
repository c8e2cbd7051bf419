//! The findings: the schema-wide list (`F`), the finding under the cursor, and copying fixes.

use super::step;
use crate::audit::{self, Category, Finding, Severity};
use crate::model::ObjectId;
use crate::tui::action::Action;
use crate::tui::state::{App, Effect, FindingsView, Focus, Node, Overlay, Tone};
use crate::tui::tab::Tab;

impl App {
    /// The finding the user means by "this finding": the findings view's selection, the
    /// detail row's, or the selected object's worst.
    pub(crate) fn current_finding(&self) -> Option<usize> {
        let model = self.model.as_ref()?;
        if let Overlay::Findings(view) = &self.overlay {
            return view
                .rows(model, &self.schemas)
                .get(view.selected)
                .and_then(|members| members.first().copied());
        }
        let id = self.selected_object()?;
        if self.focus == Focus::Detail {
            if let Some(row) = self.rows().get(self.row) {
                if let Some(i) = row.findings.first() {
                    return Some(*i);
                }
            }
        }
        model
            .findings_of(id)
            .iter()
            .copied()
            .filter(|i| model.findings[*i].fix.is_some())
            .max_by_key(|i| {
                (
                    model.findings[*i].suppressed.is_none(),
                    model.findings[*i].severity,
                )
            })
    }

    /// From the Findings tab, Enter opens the tab where the finding's row is marked.
    pub(crate) fn jump_to_finding_row(&mut self) {
        let Some(i) = self
            .rows()
            .get(self.row)
            .and_then(|r| r.findings.first().copied())
        else {
            return;
        };
        let Some(model) = &self.model else { return };
        let f = &model.findings[i];
        let tab = Tab::for_kind(f.object.kind);
        if tab != Tab::Findings {
            let name = f.object.name.clone();
            self.tab = tab;
            let rows = self.rows();
            self.row = rows.iter().position(|r| r.name == name).unwrap_or(0);
        }
    }

    pub(crate) fn copy_fix(&mut self) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        // In the findings list the row is what is copied: a row of alike findings copies
        // every member's fix, as one script.
        let members = match &self.overlay {
            Overlay::Findings(view) => view
                .rows(model, &self.schemas)
                .get(view.selected)
                .cloned()
                .unwrap_or_default(),
            _ => self.current_finding().into_iter().collect(),
        };
        self.copy_findings(&members)
    }

    /// Copies the fixes of `members` (finding indices): one finding's fix, or several
    /// alike findings' fixes as one script.
    pub(crate) fn copy_findings(&mut self, members: &[usize]) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        if members.len() > 1 {
            let fixed: Vec<&Finding> = members
                .iter()
                .map(|&m| &model.findings[m])
                .filter(|f| f.fix.is_some())
                .collect();
            let title = model.patterns[members[0]].clone();
            return vec![Effect::Copy {
                text: audit::format::fix_script(&fixed, &self.source_label, &title),
                what: format!("{} fixes for {title}", fixed.len()),
            }];
        }
        let Some(&i) = members.first() else {
            self.status = Some(("no finding selected".into(), Tone::Error));
            return Vec::new();
        };
        let f = &model.findings[i];
        match &f.fix {
            Some(_) => vec![Effect::Copy {
                text: audit::format::fix_script(&[f], &self.source_label, &f.message),
                what: format!("fix for {}", f.key),
            }],
            None => {
                self.status = Some((format!("{} has no fix SQL", f.rule), Tone::Error));
                Vec::new()
            }
        }
    }

    pub(crate) fn copy_all(&mut self) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let (ids, title): (Vec<ObjectId>, String) = match &self.selected {
            Some(Node::Item(_, id)) => (vec![id.clone()], id.label()),
            Some(Node::Group(name)) => (
                self.groups
                    .iter()
                    .find(|g| &g.name == name)
                    .map(|g| g.members.clone())
                    .unwrap_or_default(),
                format!("category {name}"),
            ),
            None => return Vec::new(),
        };
        let findings: Vec<&Finding> = ids
            .iter()
            .flat_map(|id| model.findings_of(id).iter().map(|i| &model.findings[*i]))
            .filter(|f| f.fix.is_some() && f.suppressed.is_none())
            .collect();
        if findings.is_empty() {
            self.status = Some((
                format!("no open findings with fix SQL in {title}"),
                Tone::Error,
            ));
            return Vec::new();
        }
        vec![Effect::Copy {
            text: audit::format::fix_script(&findings, &self.source_label, &title),
            what: format!("{} fixes for {title}", findings.len()),
        }]
    }

    pub(crate) fn update_findings(
        &mut self,
        mut view: FindingsView,
        action: Action,
    ) -> Vec<Effect> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let rows = view.rows(model, &self.schemas);
        match action {
            Action::Escape | Action::Findings => return Vec::new(),
            Action::Up => view.selected = view.selected.saturating_sub(1),
            Action::Down => view.selected = step(view.selected, 1, rows.len()),
            Action::PageUp => {
                view.selected = step(view.selected, -(self.page as isize), rows.len())
            }
            Action::PageDown => view.selected = step(view.selected, self.page as isize, rows.len()),
            Action::Home => view.selected = 0,
            Action::End => view.selected = rows.len().saturating_sub(1),
            Action::CycleSeverityFilter => {
                view.min_severity = match view.min_severity {
                    None => Some(Severity::Warning),
                    Some(Severity::Warning) => Some(Severity::Critical),
                    _ => None,
                };
                view.selected = 0;
            }
            Action::CycleCategoryFilter => {
                // Only categories that have findings under the other filters.
                let others = FindingsView {
                    category: None,
                    ..view.clone()
                };
                let present: Vec<Category> = others
                    .visible(model, &self.schemas)
                    .iter()
                    .map(|&i| model.findings[i].category)
                    .collect();
                let cats: Vec<Category> = [
                    Category::Security,
                    Category::Integrity,
                    Category::Performance,
                    Category::Maintainability,
                    Category::Migrations,
                ]
                .into_iter()
                .filter(|c| present.contains(c))
                .collect();
                view.category = match view
                    .category
                    .and_then(|c| cats.iter().position(|x| *x == c))
                {
                    None => cats.first().copied(),
                    Some(i) if i + 1 < cats.len() => Some(cats[i + 1]),
                    Some(_) => None,
                };
                view.selected = 0;
            }
            Action::CycleRuleFilter => {
                // Only rules that have findings under the other filters.
                let others = FindingsView {
                    rule: None,
                    ..view.clone()
                };
                let mut rules: Vec<&'static str> = others
                    .visible(model, &self.schemas)
                    .iter()
                    .map(|&i| model.findings[i].rule)
                    .collect();
                rules.sort_unstable();
                rules.dedup();
                view.rule = match view.rule.and_then(|r| rules.iter().position(|x| *x == r)) {
                    None => rules.first().copied(),
                    Some(i) => rules.get(i + 1).copied(),
                };
                view.selected = 0;
            }
            Action::GroupAlike => {
                view.ungrouped = !view.ungrouped;
                view.selected = 0;
            }
            Action::Enter => {
                if let Some(&i) = rows.get(view.selected).and_then(|m| m.first()) {
                    let f = &model.findings[i];
                    let tab = Tab::for_kind(f.object.kind);
                    let row = f.object.name.clone();
                    if let Some(owner) = model.owners[i].clone() {
                        self.coming_from = Some(Overlay::Findings(view.clone()));
                        self.jump(&owner, tab, row.as_deref());
                    }
                    return Vec::new();
                }
            }
            Action::ShowFull => {
                self.overlay = Overlay::Findings(view);
                self.show_full();
                return Vec::new();
            }
            Action::CopyFix => {
                self.overlay = Overlay::Findings(view);
                return self.copy_fix();
            }
            Action::Suppress if rows.get(view.selected).is_some_and(|m| m.len() > 1) => {
                // One key entry would hide one of the row's findings and leave the rest.
                let n = rows[view.selected].len();
                self.status = Some((
                    format!("this row stands for {n} findings: S suppresses the whole rule, a lists them one by one"),
                    Tone::Info,
                ));
            }
            Action::Suppress | Action::SuppressRule => {
                self.overlay = Overlay::Findings(view);
                self.start_suppress(action == Action::SuppressRule);
                return Vec::new();
            }
            _ => {}
        }
        self.overlay = Overlay::Findings(view);
        Vec::new()
    }
}
